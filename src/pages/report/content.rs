//! What an answer said: STAR parts with their sentences, talking points covered and
//! missed, the job posting's terms used, length against the suggestion, and advice. All
//! from `core::content`, which reads the transcript.

use interviewer_core::content::{self, Part};
use interviewer_core::format;
use interviewer_core::report::QuestionRow;
use leptos::prelude::*;

#[component]
pub fn AnswerContent(row: QuestionRow) -> impl IntoView {
    let Some(c) = row.content.clone() else {
        return ().into_any();
    };
    let text = row.transcript.clone().unwrap_or_default();
    let index = row.index;
    let texts: Vec<String> = c
        .sentences
        .iter()
        .map(|s| text.get(s.start..s.end).unwrap_or_default().to_string())
        .collect();
    let sentence = |k: usize| texts.get(k).cloned().unwrap_or_default();
    let story = c.story.then(|| {
        let parts = Part::ALL.map(|p| {
            let lines: Vec<String> = c
                .sentences
                .iter()
                .enumerate()
                .filter(|(_, s)| s.part == Some(p))
                .map(|(k, _)| sentence(k))
                .collect();
            (p, lines)
        });
        let result_note = match c.result_concrete {
            Some(true) => Some("The result gives evidence: a number with a change, or what you learned."),
            Some(false) => Some("The result has no number, before-and-after or lesson in it."),
            None => None,
        };
        let persons = (c.action_i + c.action_we > 0).then(|| {
            format!(
                "In your actions: “I” {} time{}, “we” {} time{}.",
                c.action_i,
                if c.action_i == 1 { "" } else { "s" },
                c.action_we,
                if c.action_we == 1 { "" } else { "s" }
            )
        });
        view! {
            <div class="star" data-testid=format!("star-{index}")>
                <p class="star-parts" aria-label="Story structure">
                    {parts.iter().map(|(p, lines)| {
                        let present = !lines.is_empty();
                        view! {
                            <span class=if present { "star-part present" } else { "star-part missing" }
                                data-part=p.letter().to_string() data-present=present.to_string()
                                title=if present { format!("{}: found", p.label()) } else { format!("{}: not found", p.label()) }>
                                {format!("{} {}", if present { "✓" } else { "✗" }, p.label())}
                            </span>
                        }
                    }).collect_view()}
                </p>
                <details>
                    <summary>"Which sentences carry each part"</summary>
                    <dl class="star-lines">
                        {parts.into_iter().filter(|(_, l)| !l.is_empty()).map(|(p, lines)| view! {
                            <dt>{p.label()}</dt>
                            {lines.into_iter().map(|l| view! { <dd class=format!("part-{}", p.letter())>{l}</dd> }).collect_view()}
                        }).collect_view()}
                    </dl>
                </details>
                {result_note.map(|n| view! { <p class="qtime">{n}</p> })}
                {persons.map(|n| view! { <p class="qtime">{n}</p> })}
            </div>
        }
    });
    let points = (!c.points.is_empty()).then(|| {
        view! {
            <div class="points" data-testid=format!("points-{index}")>
                <p class="qtime">{format!("Talking points: {} of {} found in your words", c.covered(), c.points.len())}</p>
                <ul class="point-list">
                    {c.points.iter().map(|p| {
                        let covered = p.sentence.is_some();
                        let by = p.sentence.map(&sentence);
                        view! {
                            <li class=if covered { "point covered" } else { "point missed" } data-covered=covered.to_string()>
                                <span aria-hidden="true">{if covered { "✓ " } else { "○ " }}</span>
                                <span class="sr-only">{if covered { "Covered: " } else { "Not found: " }}</span>
                                {p.point.clone()}
                                {by.map(|s| view! { <span class="hint">{format!(" — “{s}”")}</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        }
    });
    // Which of the posting's terms this answer used (those no answer used are listed once,
    // above the answers).
    let jobs = (!c.job_terms_used.is_empty() || !c.job_terms_missed.is_empty()).then(|| {
        view! {
            <p class="qtime" data-testid=format!("job-terms-{index}")>
                {if c.job_terms_used.is_empty() {
                    "Job posting terms used: none".to_string()
                } else {
                    format!("Job posting terms used: {}", c.job_terms_used.join(", "))
                }}
            </p>
        }
    });
    let length = row.suggested_s.map(|s| {
        let said = row.answer_ms / 1000.0;
        let note = if said < s as f64 * 0.5 {
            "much shorter than"
        } else if said > s as f64 * 1.5 {
            "much longer than"
        } else {
            "close to"
        };
        format!(
            "Length: {} against a suggested {} ({note} it).",
            format::mmss(row.answer_ms),
            format::mmss(s as f64 * 1000.0)
        )
    });
    let relevance = format!(
        "{:.0} % of your sentences used words of the question, its terms or talking points{}",
        100.0 * c.relevance,
        if c.off_topic {
            ": the answer may not address the question."
        } else {
            "."
        }
    );
    // Relevance is measured against the question's talking points and terms: a question
    // without them (the user's own, a follow-up) has too few words to measure against.
    let has_points = !c.points.is_empty();
    let advice = content::advice(&c);
    view! {
        <section class="content" data-testid=format!("content-{index}") aria-label="What the answer said">
            <h4>"What you said"</h4>
            {story}
            {points}
            {jobs}
            {length.map(|l| view! { <p class="qtime">{l}</p> })}
            {has_points.then(|| view! { <p class="qtime" data-testid=format!("relevance-{index}")>{relevance}</p> })}
            {(!advice.is_empty()).then(|| view! {
                <ul class="advice" data-testid=format!("content-advice-{index}") aria-label="Advice on the content">
                    {advice.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
    .into_any()
}

/// The posting's terms that no answer used (None when the interview was not built from a
/// posting or no answer has a transcript).
pub fn terms_never_used(rows: &[QuestionRow]) -> Option<Vec<String>> {
    let with: Vec<&content::Content> = rows.iter().filter_map(|r| r.content.as_ref()).collect();
    let first = with.first()?;
    let all: Vec<&String> = first
        .job_terms_used
        .iter()
        .chain(&first.job_terms_missed)
        .collect();
    if all.is_empty() {
        return None;
    }
    Some(
        all.into_iter()
            .filter(|t| !with.iter().any(|c| c.job_terms_used.contains(t)))
            .cloned()
            .collect(),
    )
}
