//! The REST contract through real HTTP, over in-memory services.

mod support;

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::multipart::{Form, Part};
use resumax_core::api::MAX_RESUME_BYTES;
use resumax_gateway::Auth;
use serde_json::{Value, json};
use support::*;

const RESUME: &str =
    "Jane Doe\nhelped with Rust services and PostgreSQL tuning\nBuilt Kubernetes deployments\n";
const JD: &str = "Senior Engineer. The role requires rust, kubernetes, terraform.";

fn resume_form(bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name("cv.txt"))
}

async fn upload(s: &Server, tok: &str, text: &str) -> String {
    let r = s
        .client
        .post(s.url("/resumes"))
        .bearer_auth(tok)
        .multipart(resume_form(text.as_bytes().to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["parseStatus"], "completed");
    body["resumeId"].as_str().unwrap().to_string()
}

async fn create_jd(s: &Server, tok: &str) -> String {
    let r = s
        .client
        .post(s.url("/job-descriptions"))
        .bearer_auth(tok)
        .json(&json!({ "text": JD, "title": "Senior Engineer" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["warnings"], json!([]));
    body["jobDescriptionId"].as_str().unwrap().to_string()
}

fn claims_token(key: &EncodingKey, alg: Algorithm, claims: Value) -> String {
    jsonwebtoken::encode(&Header::new(alg), &claims, key).unwrap()
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

#[tokio::test]
async fn healthz_needs_no_token_and_carries_a_request_id() {
    let s = serve().await;
    let r = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-request-id").is_some());
    assert_eq!(r.json::<Value>().await.unwrap(), json!({ "status": "ok" }));
}

#[tokio::test]
async fn tokens_missing_forged_expired_or_malformed_are_401() {
    let s = serve().await;
    let url = s.url("/versions");
    expect_error(s.client.get(&url).send().await.unwrap(), 401, "unauthorized").await;

    let forged =
        resumax_gateway::issue_token(b"another-secret", "alice", true, Duration::from_secs(600)).unwrap();
    expect_error(s.client.get(&url).bearer_auth(forged).send().await.unwrap(), 401, "unauthorized").await;

    let key = EncodingKey::from_secret(SECRET).unwrap();
    let expired = claims_token(&key, Algorithm::HS256, json!({ "sub": "alice", "exp": now() - 3600 }));
    let body =
        expect_error(s.client.get(&url).bearer_auth(expired).send().await.unwrap(), 401, "unauthorized")
            .await;
    assert_eq!(body["message"], "token has expired");

    let no_sub = claims_token(&key, Algorithm::HS256, json!({ "exp": now() + 600 }));
    expect_error(s.client.get(&url).bearer_auth(no_sub).send().await.unwrap(), 401, "unauthorized").await;

    for header in ["Bearer not.a.jwt", "Basic YWxpY2U6c2VjcmV0", "Bearer", "bearer  "] {
        let r = s.client.get(&url).header("authorization", header).send().await.unwrap();
        expect_error(r, 401, "unauthorized").await;
    }
    // The same secret signs and verifies: the good token passes.
    let r = s.client.get(&url).bearer_auth(token("alice", false)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn rs256_public_keys_verify_tokens_from_the_matching_private_key() {
    let public = include_bytes!("fixtures/test_rsa_public.pem");
    let private = include_bytes!("fixtures/test_rsa_private.pem");
    let s = serve_with(Auth::rs256_public_pem(public).unwrap()).await;
    let key = EncodingKey::from_rsa_pem(private).unwrap();
    let good =
        claims_token(&key, Algorithm::RS256, json!({ "sub": "alice", "exp": now() + 600, "aud": "resumax" }));
    let r = s.client.get(s.url("/versions")).bearer_auth(good).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // An HS256 token must not pass an RS256 verifier (algorithm confusion).
    let hs = token("alice", true);
    expect_error(s.client.get(s.url("/versions")).bearer_auth(hs).send().await.unwrap(), 401, "unauthorized")
        .await;
    assert!(Auth::rs256_public_pem(b"not a pem").is_err());
}

#[tokio::test]
async fn every_claim_is_checked_not_only_the_signature() {
    let public = include_bytes!("fixtures/test_rsa_public.pem");
    let private = include_bytes!("fixtures/test_rsa_private.pem");
    let auth =
        Auth::rs256_public_pem(public).unwrap().with_audience(&["resumax"]).with_issuer("https://id.example");
    let s = serve_with(auth).await;
    let key = EncodingKey::from_rsa_pem(private).unwrap();
    let url = s.url("/versions");
    let good = json!({ "sub": "alice", "exp": now() + 600, "aud": "resumax", "iss": "https://id.example" });
    let with = |change: Value| {
        let mut claims = good.clone();
        for (k, v) in change.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        claims_token(&key, Algorithm::RS256, claims)
    };
    let r = s.client.get(&url).bearer_auth(with(json!({}))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for (change, message) in [
        (json!({ "nbf": now() + 86_400 }), "token is not valid yet"),
        (json!({ "iss": "https://evil.example" }), "token is from another issuer"),
        (json!({ "iss": null }), "token is invalid"),
        (json!({ "aud": "another-app" }), "token is for another audience"),
        (json!({ "aud": null }), "token is invalid"),
        (json!({ "sub": " alice " }), "token subject is not a valid user id"),
    ] {
        let r = s.client.get(&url).bearer_auth(with(change.clone())).send().await.unwrap();
        let body = expect_error(r, 401, "unauthorized").await;
        assert_eq!(body["message"], message, "{change}");
    }
    // A small leeway for clocks that disagree by seconds.
    let r = s.client.get(&url).bearer_auth(with(json!({ "nbf": now() + 5 }))).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_huge_bad_id_is_not_echoed_whole() {
    let s = serve().await;
    let tok = token("alice", true);
    let id = "x".repeat(100_000);
    let r = s
        .client
        .post(s.url("/optimize"))
        .bearer_auth(&tok)
        .json(&json!({ "resumeId": id, "jobDescriptionId": uuid::Uuid::nil() }))
        .send()
        .await
        .unwrap();
    let body = expect_error(r, 400, "invalid_input").await;
    let message = body["message"].as_str().unwrap();
    assert!(message.len() < 200 && message.ends_with("..."), "{} bytes", message.len());
}

#[tokio::test]
async fn bad_uuid_in_path_or_body_is_400_invalid_input() {
    let s = serve().await;
    let tok = token("alice", true);
    for path in ["/resumes/not-a-uuid", "/optimize/123", "/versions/x", "/exports/zz/download"] {
        let r = s.client.get(s.url(path)).bearer_auth(&tok).send().await.unwrap();
        expect_error(r, 400, "invalid_input").await;
    }
    let r = s
        .client
        .post(s.url("/optimize"))
        .bearer_auth(&tok)
        .json(&json!({ "resumeId": "nope", "jobDescriptionId": uuid::Uuid::nil() }))
        .send()
        .await
        .unwrap();
    let body = expect_error(r, 400, "invalid_input").await;
    assert!(body["message"].as_str().unwrap().contains("resumeId"));
}

#[tokio::test]
async fn another_users_resources_are_404() {
    let s = serve().await;
    let alice = token("alice", true);
    let bob = token("bob", true);
    let resume = upload(&s, &alice, RESUME).await;
    let jd = create_jd(&s, &alice).await;

    let r = s.client.get(s.url(&format!("/resumes/{resume}"))).bearer_auth(&bob).send().await.unwrap();
    expect_error(r, 404, "not_found").await;
    let r = s.client.delete(s.url(&format!("/resumes/{resume}"))).bearer_auth(&bob).send().await.unwrap();
    expect_error(r, 404, "not_found").await;
    let r = s.client.get(s.url(&format!("/job-descriptions/{jd}"))).bearer_auth(&bob).send().await.unwrap();
    expect_error(r, 404, "not_found").await;
    let r = s
        .client
        .post(s.url("/optimize"))
        .bearer_auth(&bob)
        .json(&json!({ "resumeId": resume, "jobDescriptionId": jd }))
        .send()
        .await
        .unwrap();
    expect_error(r, 404, "not_found").await;
    // The owner still sees it: bob's delete did nothing.
    let r = s.client.get(s.url(&format!("/resumes/{resume}"))).bearer_auth(&alice).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn unverified_token_cannot_optimize() {
    let s = serve().await;
    let tok = token("carol", false);
    let resume = upload(&s, &tok, RESUME).await;
    let jd = create_jd(&s, &tok).await;
    let r = s
        .client
        .post(s.url("/optimize"))
        .bearer_auth(&tok)
        .json(&json!({ "resumeId": resume, "jobDescriptionId": jd }))
        .send()
        .await
        .unwrap();
    expect_error(r, 403, "not_verified").await;
    assert!(s.store.start_calls.lock().unwrap().is_empty(), "the service was not called");

    // The string form some identity providers use counts as verified.
    let key = EncodingKey::from_secret(SECRET).unwrap();
    let tok = claims_token(
        &key,
        Algorithm::HS256,
        json!({ "sub": "carol", "exp": now() + 600, "email_verified": "true" }),
    );
    let r = s
        .client
        .post(s.url("/optimize"))
        .bearer_auth(&tok)
        .json(&json!({ "resumeId": resume, "jobDescriptionId": jd }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
}

#[tokio::test]
async fn uploads_over_the_limit_are_413_and_the_limit_itself_passes() {
    let s = serve().await;
    let tok = token("dave", true);
    let at_limit = vec![b'a'; MAX_RESUME_BYTES];
    let r = s
        .client
        .post(s.url("/resumes"))
        .bearer_auth(&tok)
        .multipart(resume_form(at_limit))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    for size in [MAX_RESUME_BYTES + 1, MAX_RESUME_BYTES + 3 * 1024 * 1024, 40 * 1024 * 1024] {
        let r = s
            .client
            .post(s.url("/resumes"))
            .bearer_auth(&tok)
            .multipart(resume_form(vec![b'a'; size]))
            .send()
            .await
            .unwrap();
        let body = expect_error(r, 413, "size_exceeded").await;
        assert!(body["message"].as_str().unwrap().contains("5 MB"), "{body}");
    }
    // Nothing oversized was stored.
    let r = s.client.get(s.url("/versions")).bearer_auth(&tok).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// A chunked upload that never ends: the answer must come as soon as the limit is passed, which
/// proves the size is checked while streaming and the body is not buffered first.
#[tokio::test]
async fn oversized_streaming_upload_is_refused_before_the_body_ends() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = serve().await;
    let addr = s.base.trim_start_matches("http://").to_string();
    let stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /resumes HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\n\
         content-type: multipart/form-data; boundary=XyZ\r\ntransfer-encoding: chunked\r\n\
         x-request-id: stream-1\r\n\r\n",
        token("kim", true)
    );
    let part = "--XyZ\r\ncontent-disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n";
    let sender = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        writer.write_all(format!("{:x}\r\n{part}\r\n", part.len()).as_bytes()).await?;
        let chunk = vec![b'a'; 64 * 1024];
        // 8 MB of file data and then silence: no closing boundary, no final chunk.
        for _ in 0..128 {
            writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
            writer.write_all(&chunk).await?;
            writer.write_all(b"\r\n").await?;
        }
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok::<_, std::io::Error>(writer)
    });
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let n = reader.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            response.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&response).contains("\"requestId\"") {
                break;
            }
        }
    })
    .await;
    sender.abort();
    assert!(read.is_ok(), "the server answered while the body was still open");
    let text = String::from_utf8_lossy(&response);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("\"code\":\"size_exceeded\""), "{text}");
    assert!(text.contains("\"requestId\":\"stream-1\""), "{text}");
}

#[tokio::test]
async fn multipart_without_a_file_or_with_an_empty_file_is_400() {
    let s = serve().await;
    let tok = token("erin", true);
    let form = Form::new().text("other", "x");
    let r = s.client.post(s.url("/resumes")).bearer_auth(&tok).multipart(form).send().await.unwrap();
    expect_error(r, 400, "invalid_input").await;
    let r = s
        .client
        .post(s.url("/resumes"))
        .bearer_auth(&tok)
        .multipart(resume_form(vec![]))
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "invalid_input").await;
    let r = s.client.post(s.url("/resumes")).bearer_auth(&tok).body("plain").send().await.unwrap();
    expect_error(r, 400, "invalid_input").await;
}

#[tokio::test]
async fn malformed_json_missing_fields_and_bad_values_are_400() {
    let s = serve().await;
    let tok = token("frank", true);
    let post = |path: &str, body: &'static str| {
        s.client
            .post(s.url(path))
            .bearer_auth(&tok)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    expect_error(post("/optimize", "{not json").await.unwrap(), 400, "invalid_input").await;
    expect_error(post("/optimize", r#"{"resumeId": "x"}"#).await.unwrap(), 400, "invalid_input").await;
    expect_error(post("/job-descriptions", "[1,2").await.unwrap(), 400, "invalid_input").await;
    expect_error(post("/job-descriptions", r#"{"text": "   "}"#).await.unwrap(), 400, "invalid_input").await;
    expect_error(post("/job-descriptions", r#"{"title": "x"}"#).await.unwrap(), 400, "invalid_input").await;
    let id = uuid::Uuid::nil();
    let body = format!(r#"{{"resumeId": "{id}", "jobDescriptionId": "{id}", "strategy": "wild"}}"#);
    let r = s
        .client
        .post(s.url("/optimize"))
        .bearer_auth(&tok)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "invalid_input").await;
    let r = s.client.post(s.url("/job-descriptions")).bearer_auth(&tok).body("text").send().await.unwrap();
    expect_error(r, 415, "unsupported_format").await;
    for limit in ["0", "101", "ten"] {
        let r =
            s.client.get(s.url(&format!("/versions?limit={limit}"))).bearer_auth(&tok).send().await.unwrap();
        expect_error(r, 400, "invalid_input").await;
    }
}

#[tokio::test]
async fn request_ids_are_echoed_when_sane_and_replaced_otherwise() {
    let s = serve().await;
    let r = s.client.get(s.url("/resumes/bad")).header("x-request-id", "req-123_abc").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "req-123_abc");
    let body = expect_error(r, 401, "unauthorized").await;
    assert_eq!(body["requestId"], "req-123_abc");

    let r = s.client.get(s.url("/healthz")).header("x-request-id", "ok-1").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "ok-1");

    for bad in ["x".repeat(129), "has space".to_string(), "a\"b<c>".to_string()] {
        let r = s.client.get(s.url("/healthz")).header("x-request-id", bad.as_str()).send().await.unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_ne!(id, bad);
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "generated id {id}");
    }
    // Two requests without an id get different ones.
    let a = s.client.get(s.url("/healthz")).send().await.unwrap();
    let b = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_ne!(a.headers()["x-request-id"], b.headers()["x-request-id"]);
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_use_the_error_shape() {
    let s = serve().await;
    let tok = token("gina", true);
    let r = s.client.get(s.url("/nope")).bearer_auth(&tok).send().await.unwrap();
    expect_error(r, 404, "not_found").await;
    let r = s.client.put(s.url("/resumes")).bearer_auth(&tok).send().await.unwrap();
    expect_error(r, 405, "invalid_input").await;
    let r = s.client.post(s.url("/healthz")).send().await.unwrap();
    expect_error(r, 405, "invalid_input").await;
}

#[tokio::test]
async fn full_flow_from_upload_to_download() {
    let s = serve().await;
    let tok = token("hana", true);
    let resume = upload(&s, &tok, RESUME).await;

    let r: Value = s
        .client
        .get(s.url(&format!("/resumes/{resume}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["fileName"], "cv.txt");
    assert_eq!(r["sections"][0]["kind"], "experience");
    assert_eq!(
        r["contact"],
        json!({ "name": null, "email": null, "phone": null, "location": null, "links": [] })
    );
    assert!(r.get("error").is_none());

    let jd = create_jd(&s, &tok).await;
    let j: Value = s
        .client
        .get(s.url(&format!("/job-descriptions/{jd}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(j["title"], "Senior Engineer");
    assert_eq!(j["requiredSkills"], json!(["rust", "kubernetes", "terraform"]));

    // JD as a file, too.
    let form = Form::new().part("file", Part::bytes(JD.as_bytes().to_vec()).file_name("jd.txt"));
    let r = s.client.post(s.url("/job-descriptions")).bearer_auth(&tok).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let body = r.json::<Value>().await.unwrap();
    assert_eq!(body["warnings"], json!(["missing_title"]));
    assert_eq!(
        body["warningDetails"],
        json!([{ "code": "missing_title", "message": "The posting does not state a job title." }])
    );

    let start = json!({ "resumeId": resume, "jobDescriptionId": jd, "strategy": "conservative", "clientRequestId": "k1" });
    let r = s
        .client
        .post(s.url("/optimize"))
        .bearer_auth(&tok)
        .header("x-request-id", "flow-1")
        .json(&start)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let opt = r.json::<Value>().await.unwrap()["optimizationId"].as_str().unwrap().to_string();
    assert_eq!(s.store.start_calls.lock().unwrap()[0].request_id, "flow-1", "request id reaches the service");
    let r = s.client.post(s.url("/optimize")).bearer_auth(&tok).json(&start).send().await.unwrap();
    assert_eq!(r.status(), 200, "replay answers 200");
    assert_eq!(r.json::<Value>().await.unwrap()["optimizationId"], opt.as_str());

    let o: Value = s
        .client
        .get(s.url(&format!("/optimize/{opt}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(o["status"], "completed");
    assert_eq!(o["strategy"], "conservative");
    assert_eq!(o["scoreBefore"], 66);
    assert_eq!(o["alignmentScore"], 66);
    assert_eq!(o["matchReport"]["missingKeywords"][0]["term"], "terraform");
    let change_id = o["suggestions"][0]["changeId"].as_str().unwrap().to_string();
    assert!(o.get("error").is_none());

    let score: Value = s
        .client
        .get(s.url(&format!("/optimize/{opt}/score")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(score["scoreBefore"], 66);
    assert_eq!(score["scoreAfter"], 66);
    assert_eq!(score["breakdown"][0]["name"], "keywords");

    let accept =
        json!({ "acceptedChanges": [change_id], "notes": "first", "exportFormats": ["text", "pdf", "text"] });
    let r = s
        .client
        .post(s.url(&format!("/optimize/{opt}/accept")))
        .bearer_auth(&tok)
        .json(&accept)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["status"], "saved");
    let exports = a["exports"].as_array().unwrap();
    assert_eq!(exports.len(), 2, "duplicate formats collapse");
    let text_export = exports[0]["exportId"].as_str().unwrap();
    assert_eq!(exports[0]["downloadUrl"], format!("/exports/{text_export}/download"));

    let e: Value = s
        .client
        .get(s.url(&format!("/exports/{text_export}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(e["format"], "text");
    assert_eq!(e["status"], "completed");
    let d = s
        .client
        .get(s.url(&format!("/exports/{text_export}/download")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap();
    assert_eq!(d.headers()["content-type"], "text/plain; charset=utf-8");
    assert!(d.text().await.unwrap().contains("- Supported Rust services"));
    let pdf = exports[1]["exportId"].as_str().unwrap();
    let d = s.client.get(s.url(&format!("/exports/{pdf}/download"))).bearer_auth(&tok).send().await.unwrap();
    assert_eq!(d.headers()["content-type"], "application/pdf");
    let other = token("ivan", true);
    let r =
        s.client.get(s.url(&format!("/exports/{pdf}/download"))).bearer_auth(&other).send().await.unwrap();
    expect_error(r, 404, "not_found").await;

    let bad = json!({ "exportFormats": ["rtf"] });
    let r = s
        .client
        .post(s.url(&format!("/optimize/{opt}/accept")))
        .bearer_auth(&tok)
        .json(&bad)
        .send()
        .await
        .unwrap();
    expect_error(r, 400, "invalid_input").await;

    // A second and third version, then paging.
    for _ in 0..2 {
        let r = s
            .client
            .post(s.url(&format!("/optimize/{opt}/accept")))
            .bearer_auth(&tok)
            .json(&json!({ "applyAll": true }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let page: Value = s
        .client
        .get(s.url("/versions?limit=2"))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let cursor = page["nextCursor"].as_str().unwrap();
    let rest: Value = s
        .client
        .get(s.url(&format!("/versions?limit=2&cursor={cursor}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest.get("nextCursor").is_none());
    let first = &page["items"][0];
    assert_eq!(first["status"], "saved");
    assert_eq!(first["acceptedChanges"], json!([change_id]));
    let version_id = first["versionId"].as_str().unwrap();
    let v: Value = s
        .client
        .get(s.url(&format!("/versions/{version_id}")))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(&v, first, "list items and the single version share one shape");
    // The version lists the files its accept asked for, each with where to download it.
    let formats: Vec<&str> =
        v["downloadLinks"].as_array().unwrap().iter().map(|l| l["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["text", "pdf"], "{v}");
    assert!(v["downloadLinks"].as_array().unwrap().iter().all(|l| l["downloadUrl"].is_string()), "{v}");
    assert_eq!(
        v["optimizedSections"][0]["entries"][0]["lines"][1],
        "Supported Rust services and PostgreSQL tuning"
    );

    // Deleting the resume hides it and its optimization.
    let r = s.client.delete(s.url(&format!("/resumes/{resume}"))).bearer_auth(&tok).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = s.client.get(s.url(&format!("/resumes/{resume}"))).bearer_auth(&tok).send().await.unwrap();
    expect_error(r, 404, "not_found").await;
    let r = s.client.get(s.url(&format!("/optimize/{opt}"))).bearer_auth(&tok).send().await.unwrap();
    expect_error(r, 404, "not_found").await;
}

#[test]
fn optimization_json_matches_the_contract_for_a_failed_run() {
    use resumax_core::optimization::*;
    let now = chrono::Utc::now();
    let o = Optimization {
        optimization_id: uuid::Uuid::nil(),
        status: OptimizationStatus::Failed,
        resume_id: uuid::Uuid::nil(),
        job_description_id: uuid::Uuid::nil(),
        strategy: Strategy::AggressiveKeywords,
        created_at: now,
        updated_at: now,
        result: None,
        error: Some(FailureInfo {
            code: resumax_core::ErrorCode::ProviderTimeout,
            message: "provider timed out".into(),
        }),
    };
    let v = resumax_gateway::optimization_json(&o);
    assert_eq!(v["status"], "failed");
    assert_eq!(v["strategy"], "aggressive_keywords");
    assert_eq!(v["error"], json!({ "code": "provider_timeout", "message": "provider timed out" }));
    assert!(v.get("alignmentScore").is_none() && v.get("diff").is_none());
}

#[tokio::test]
async fn a_user_over_the_rate_limit_gets_429_with_retry_after_and_others_do_not() {
    let s = serve_limited(Auth::hs256(SECRET), resumax_gateway::RateLimit::per_minute(2)).await;
    let (alice, bob) = (token("alice", true), token("bob", true));
    for _ in 0..2 {
        let ok = s.client.get(s.url("/versions")).bearer_auth(&alice).send().await.unwrap();
        assert_eq!(ok.status(), 200);
    }
    let limited = s.client.get(s.url("/versions")).bearer_auth(&alice).send().await.unwrap();
    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    expect_error(limited, 429, "rate_limited").await;
    // The limit is per user, and health checks are never limited.
    let other = s.client.get(s.url("/versions")).bearer_auth(&bob).send().await.unwrap();
    assert_eq!(other.status(), 200);
    let health = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn every_response_carries_security_headers_and_preflights_are_not_401() {
    let s = serve().await;
    let tok = token("alice", true);
    for r in [
        s.client.get(s.url("/healthz")).send().await.unwrap(),
        s.client.get(s.url("/versions")).bearer_auth(&tok).send().await.unwrap(),
        s.client.get(s.url("/versions")).send().await.unwrap(),
        s.client.get(s.url("/no-such-route")).send().await.unwrap(),
    ] {
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{}", r.url());
        assert_eq!(h["x-frame-options"], "DENY");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
        assert_eq!(h["cache-control"], "no-store");
    }
    let preflight = |origin: &'static str| {
        s.client
            .request(reqwest::Method::OPTIONS, s.url("/resumes"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    // An allowed origin's preflight passes without credentials.
    let r = preflight("https://app.example").await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["access-control-allow-origin"], "https://app.example");
    assert!(r.headers()["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
    // Another origin is answered too, but without permission, so the browser refuses the call.
    let r = preflight("https://evil.example").await.unwrap();
    assert_eq!(r.status(), 204);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    // A real call from the allowed origin may read the answer; from another it may not.
    let r = s
        .client
        .get(s.url("/versions"))
        .bearer_auth(&tok)
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "https://app.example");
    let r = s
        .client
        .get(s.url("/versions"))
        .bearer_auth(&tok)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn slow_clients_are_cut_off_and_connections_are_capped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let limits = resumax_gateway::HttpLimits {
        header_read: Duration::from_millis(500),
        body_read: Duration::from_millis(800),
        max_connections: 4,
        drain: Duration::from_secs(1),
    };
    let s = support::serve_on(Auth::hs256(SECRET), resumax_gateway::RateLimit::disabled(), limits).await;
    let addr = s.base.trim_start_matches("http://").to_string();
    // Reads until the server closes the connection (or 5 s pass, which fails the test).
    async fn closed_by_server(stream: &mut tokio::net::TcpStream) -> String {
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "the server kept a slow connection open");
        String::from_utf8_lossy(&answer).into_owned()
    }

    // A request head that never ends.
    let mut slow_head = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow_head.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    closed_by_server(&mut slow_head).await;

    // A body sent a byte at a time: the request fails once the body deadline passes.
    let mut slow_body = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /job-descriptions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n",
        token("alice", true)
    );
    slow_body.write_all(head.as_bytes()).await.unwrap();
    let writer = async {
        for _ in 0..30 {
            if slow_body.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), writer).await;
    let answer = closed_by_server(&mut slow_body).await;
    assert!(!answer.starts_with("HTTP/1.1 2"), "a request whose body never came in succeeded: {answer}");

    // Connections over the cap are closed at once; the ones under it are served.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 12];
        c.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"HTTP/1.1 200");
        held.push(c);
    }
    let mut over = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _ = over.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let answer = closed_by_server(&mut over).await;
    assert!(answer.is_empty(), "a connection over the cap was served: {answer}");
    drop(held);
}

#[tokio::test]
async fn jwks_keys_are_chosen_by_kid_and_rotate_without_a_restart() {
    let dir = std::env::temp_dir().join(format!("resumax-jwks-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let jwks = dir.join("jwks.json");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwks_k1.json"), &jwks).unwrap();
    let reread = Duration::from_millis(200);
    let auth = Auth::rs256_jwks_file(&jwks, reread).unwrap().with_issuer("https://id.example");
    let s = serve_with(auth).await;
    let sign = |pem: &[u8], kid: Option<&str>, alg: Algorithm| {
        let mut header = Header::new(alg);
        header.kid = kid.map(str::to_string);
        let claims = json!({ "sub": "alice", "exp": now() + 600, "iss": "https://id.example" });
        let key = match alg {
            Algorithm::HS256 => EncodingKey::from_secret(pem).unwrap(),
            _ => EncodingKey::from_rsa_pem(pem).unwrap(),
        };
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    let k1 = include_bytes!("fixtures/test_rsa_private.pem");
    let k2 = include_bytes!("fixtures/test_rsa2_private.pem");
    let url = s.url("/versions");
    let status = |token: String| {
        let request = s.client.get(&url).bearer_auth(token).send();
        async move { request.await.unwrap().status().as_u16() }
    };
    assert_eq!(status(sign(k1, Some("k1"), Algorithm::RS256)).await, 200);
    for (token, why) in [
        (sign(k2, Some("k2"), Algorithm::RS256), "a kid the set does not hold"),
        (sign(k1, None, Algorithm::RS256), "no kid"),
        (sign(k2, Some("k1"), Algorithm::RS256), "another key under a known kid"),
        (sign(b"a-shared-secret-of-enough-length!!", Some("k1"), Algorithm::HS256), "HS256 under an RSA kid"),
    ] {
        assert_eq!(status(token).await, 401, "{why}");
    }
    // `alg: none`, unsigned.
    let none = format!(
        "{}.{}.",
        base64_url(br#"{"alg":"none","typ":"JWT","kid":"k1"}"#),
        base64_url(
            format!(r#"{{"sub":"alice","exp":{},"iss":"https://id.example"}}"#, now() + 600).as_bytes()
        )
    );
    assert_eq!(status(none).await, 401, "alg none");
    // Rotation: the provider publishes k2; tokens signed with it pass once the file has it.
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwks_k1_k2.json"), &jwks).unwrap();
    tokio::time::sleep(reread * 2).await;
    assert_eq!(status(sign(k2, Some("k2"), Algorithm::RS256)).await, 200);
    assert_eq!(status(sign(k1, Some("k1"), Algorithm::RS256)).await, 200);
    let _ = std::fs::remove_dir_all(&dir);
}

fn base64_url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
