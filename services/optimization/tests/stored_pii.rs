//! What a run stores for audit and what it sends, with a model that echoes the person's contact
//! details back (in rewrites, in an invalid item, in text the guard quotes in its warnings):
//! through fake OpenAI and Anthropic servers, the real chain and guard, and the worker's own
//! `stored_artifacts`. Neither the stored `prompt.json`/`output.json` nor any request body
//! carries the name (in any case), the email, the phone or a piece of it, or a profile user name.

#[path = "../../../libs/ai/tests/support/mod.rs"]
mod support;

use resumax_optimization::stored_artifacts;
use serde_json::json;
use support::{FakeModels, chain_for, request};

const SECRETS: &[&str] = &["ada.lovelace@mail.test", "617", "555", "0182", "adalace", "ada-lovelace-42"];
const NAME_WORDS: &[&str] = &["ada", "lovelace"];

fn leaks(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out: Vec<String> = SECRETS.iter().filter(|s| lower.contains(*s)).map(|s| s.to_string()).collect();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    out.extend(NAME_WORDS.iter().filter(|n| words.contains(n)).map(|n| n.to_string()));
    out
}

#[tokio::test]
async fn neither_stored_artifacts_nor_requests_carry_contact_details() {
    let mut request = request();
    let contact = &mut request.resume.contact;
    contact.name = Some("Ada Lovelace".into());
    contact.email = Some("ada.lovelace@mail.test".into());
    contact.phone = Some("(617) 555-0182".into());
    contact.links = vec!["github.com/adalace".into(), "https://www.linkedin.com/in/ada-lovelace-42".into()];
    request.resume.sections[0].entries[0].lines[0] =
        "Backend engineer with a focus on reliable payment systems (github.com/adalace/ledger).".into();
    request.resume.text = request.resume.to_plain_text();
    assert!(!leaks(&request.resume.text).is_empty(), "the resume itself carries them");

    let echo = json!({"rewrites": [
        {"target": "1.0.1", "section": "experience", "change_type": "strengthened",
         "suggested": "Built the billing API in Go; call Ada Lovelace at (617) 555-0182",
         "reason": "ADA LOVELACE asked for it", "needs_confirmation": true,
         "confirmation_reason": "is 555-0182 still lovelace's number?"},
        {"target": "1.1.0", "section": "experience", "change_type": "rephrased",
         "suggested": "Built internal dashboards with React and TypeScript, see github.com/adalace/dash or mail ada.lovelace@mail.test",
         "reason": "Links adalace's work."},
        {"target": "1.0.0", "section": "experience", "change_type": "lovelace-style",
         "suggested": "Managed Postgres for Ada", "reason": "617"}
    ]});
    let fake = FakeModels::default();
    let base = fake.start().await;
    fake.answer_with(echo);
    for provider in ["openai", "anthropic"] {
        let outcome = chain_for(provider, &base).run(&request).await.expect("the chain answers");
        assert!(
            outcome.warnings().iter().any(|w| w.contains("617")),
            "the guard quotes the echoed number, so redaction is what keeps it out: {:?}",
            outcome.warnings()
        );
        let (prompt, output) = stored_artifacts(&outcome, &request.resume.contact);
        for (name, stored) in [("prompt.json", prompt.to_string()), ("output.json", output.to_string())] {
            assert!(leaks(&stored).is_empty(), "{provider} {name} leaks {:?}: {stored}", leaks(&stored));
        }
        assert!(prompt["user"].as_str().unwrap().contains("[link-"), "placeholders went out: {prompt}");
        assert_eq!(output["templateVersion"], "rewrite/v2");
    }
    let bodies = fake.bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    for body in &bodies {
        assert!(leaks(&body.to_string()).is_empty(), "sent to the provider: {:?}", leaks(&body.to_string()));
    }
}
