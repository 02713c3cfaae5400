//! The dashboard in a real headless Chromium, driven through chromedriver (WebDriver): what a
//! person does, and screenshots to look at (`target/tmp/screenshots/`). CI installs Debian's
//! `chromium` and `chromium-driver` and sets `LRS_REQUIRE_BROWSER=1`, so that there these tests
//! run, never skip; on a machine without them they say so and skip.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::app_with_a_course;

/// A chromedriver of this test's own, on a free port; stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_program(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .chain([
            PathBuf::from("/usr/bin"),
            PathBuf::from("/usr/lib/chromium"),
        ])
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

impl Driver {
    /// None when chromedriver is not installed and the browser is not required.
    fn start() -> Option<Driver> {
        let required = std::env::var("LRS_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        let Some(program) = find_program("chromedriver") else {
            assert!(
                !required,
                "LRS_REQUIRE_BROWSER=1 but chromedriver is not installed"
            );
            eprintln!(
                "skipped: chromedriver is not installed (apt-get install chromium chromium-driver)"
            );
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "chromedriver did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }

    /// A headless Chromium at 1366×768. As root, Chromium runs only without its sandbox.
    async fn browser(&self) -> Client {
        let mut options = json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1366,768"]
        });
        if let Some(binary) = find_program("chromium") {
            options["binary"] = json!(binary);
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

/// Saves a screenshot of the page as `target/tmp/screenshots/{name}.png`.
async fn screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("the screenshot folder");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("the screenshot");
}

async fn click(browser: &Client, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

/// The element `css` once the page has it.
async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
}

async fn fill(browser: &Client, name: &str, value: &str) {
    browser
        .find(Locator::Css(&format!("input[name={name}]")))
        .await
        .expect("the field")
        .send_keys(value)
        .await
        .expect("typed");
}

#[tokio::test]
async fn an_instructor_signs_in_sees_the_courses_and_signs_out_in_chromium() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = app_with_a_course().await;
    let browser = driver.browser().await;

    browser
        .goto(&format!("{}/", app.address))
        .await
        .expect("the sign-in page");
    screenshot(&browser, "sign-in").await;

    // A wrong secret: the form says so, and stays.
    fill(&browser, "key", &app.admin_key).await;
    fill(&browser, "secret", "wrong").await;
    click(&browser, "button[type=submit]").await;
    let alert = wait_for(&browser, "[role=alert]").await;
    assert_eq!(
        alert.text().await.expect("text"),
        "Unknown key or wrong secret."
    );
    screenshot(&browser, "sign-in-wrong-secret").await;

    // The key is kept; the secret is typed again.
    fill(&browser, "secret", &app.admin_secret).await;
    click(&browser, "button[type=submit]").await;
    wait_for(&browser, "table").await;
    let url = browser.current_url().await.expect("a URL");
    assert_eq!(url.path(), "/dashboard/courses");
    let table = browser
        .find(Locator::Css("table"))
        .await
        .expect("table")
        .text()
        .await
        .expect("text");
    assert!(table.contains("Biology 101"), "{table}");
    assert!(table.contains(super::COURSE_IRI), "{table}");
    let sparkline = browser
        .find(Locator::Css("svg.spark"))
        .await
        .expect("a sparkline");
    assert!(
        sparkline
            .attr("aria-label")
            .await
            .expect("attribute")
            .is_some_and(|label| label.starts_with("statements per course week: ")),
        "the chart says its numbers"
    );
    screenshot(&browser, "courses-1366x768").await;

    // The course: its charts and risk list.
    browser
        .find(Locator::LinkText("Biology 101"))
        .await
        .expect("the course's link")
        .click()
        .await
        .expect("followed");
    wait_for(&browser, "svg.heatmap").await;
    let h1 = browser
        .find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .expect("text");
    assert_eq!(h1, "Biology 101");
    let rows = browser
        .find_all(Locator::Css("section table tbody tr"))
        .await
        .expect("the risk list");
    assert_eq!(rows.len(), 2, "two learners");
    screenshot(&browser, "course-1366x768").await;
    // The whole page, in a window tall enough for it.
    browser
        .set_window_size(1366, 1300)
        .await
        .expect("a tall window");
    screenshot(&browser, "course-1366-whole").await;
    browser
        .set_window_size(1366, 768)
        .await
        .expect("back to 1366×768");
    // The filter form: sort by name, apply.
    click(&browser, "select[name=sort] option[value=name]").await;
    click(&browser, "form.filters button").await;
    browser
        .wait()
        .for_element(Locator::Css(
            "form.filters select[name=sort] option[value=name][selected]",
        ))
        .await
        .expect("the page sorted by name");
    let url = browser.current_url().await.expect("a URL");
    assert!(
        url.query().unwrap_or_default().contains("sort=name"),
        "{url}"
    );
    browser
        .set_window_size(390, 844)
        .await
        .expect("a phone's width");
    screenshot(&browser, "course-390x844").await;
    browser.back().await.expect("back");
    browser.back().await.expect("back");
    screenshot(&browser, "courses-390x844").await;

    click(&browser, "header form button").await;
    wait_for(&browser, "input[name=key]").await;
    browser
        .goto(&format!("{}/dashboard/courses", app.address))
        .await
        .expect("page");
    let url = browser.current_url().await.expect("a URL");
    assert_eq!(
        url.path(),
        "/",
        "signed out, the courses page sends to the sign-in form"
    );
    browser.close().await.expect("closed");
}

/// A simulated course with an active model: the risk list as an instructor sees it, each
/// learner with a risk, a band and three reasons.
#[tokio::test]
async fn the_risk_list_of_a_scored_course_in_chromium() {
    let Some(driver) = Driver::start() else {
        return;
    };
    let app = crate::helpers::spawn_app_with(|c| c.analytics_worker = false).await;
    let course = crate::analytics::model_gate::ingest(
        &app,
        &lrs_simulator::SimulationConfig {
            seed: 11,
            run: 1,
            courses: 1,
            learners_per_course: 60,
            weeks: 4,
            ..lrs_simulator::SimulationConfig::default()
        },
    )
    .await;
    lrs::service::analytics::drain::drain(&app.pool, &lrs::config::Config::default().analytics())
        .await
        .expect("drain");
    let trained = app
        .admin(reqwest::Method::POST, "/analytics/models")
        .json(&json!({"courses": [course], "cutoff_week": 2, "activate": true}))
        .send()
        .await
        .expect("train");
    assert_eq!(trained.status().as_u16(), 201);
    lrs::service::analytics::scoring::refresh_stale(&app.pool)
        .await
        .expect("score");

    let browser = driver.browser().await;
    browser
        .goto(&format!("{}/", app.address))
        .await
        .expect("the sign-in page");
    fill(&browser, "key", &app.admin_key).await;
    fill(&browser, "secret", &app.admin_secret).await;
    click(&browser, "button[type=submit]").await;
    wait_for(&browser, "table").await;
    browser
        .goto(&format!(
            "{}/dashboard/course?course={}&limit=12",
            app.address,
            crate::analytics::fixtures::encode(&course)
        ))
        .await
        .expect("the course page");
    let rows = browser
        .find_all(Locator::Css("section table tbody tr"))
        .await
        .expect("the risk list");
    assert_eq!(rows.len(), 12, "a page of 12");
    let model = browser
        .find(Locator::Css("section[aria-labelledby=model]"))
        .await
        .expect("the model section")
        .text()
        .await
        .expect("text");
    assert!(
        model.contains("Model #") && model.contains("end of week 2") && model.contains("ROC AUC"),
        "{model}"
    );
    for row in &rows {
        let text = row.text().await.expect("text");
        assert!(text.contains('%'), "a risk: {text}");
        let reasons = row
            .find_all(Locator::Css("ul.reasons li"))
            .await
            .expect("reasons");
        assert_eq!(reasons.len(), 3, "three reasons: {text}");
    }
    let risks: Vec<f64> = {
        let mut risks = Vec::new();
        for row in &rows {
            let cell = row
                .find(Locator::Css("td:nth-child(2)"))
                .await
                .expect("the risk cell")
                .text()
                .await
                .expect("text");
            risks.push(cell.trim_end_matches('%').parse().expect("a percentage"));
        }
        risks
    };
    assert!(
        risks.windows(2).all(|w| w[0] >= w[1]),
        "highest risk first: {risks:?}"
    );
    assert!(
        browser
            .find(Locator::LinkText("Next learners"))
            .await
            .is_ok(),
        "more than a page"
    );
    browser
        .set_window_size(1366, 1700)
        .await
        .expect("a tall window");
    screenshot(&browser, "course-scored-1366-whole").await;

    // The drill-down of the learner most at risk.
    let first = rows[0]
        .find(Locator::Css("td a"))
        .await
        .expect("the learner's link");
    let name = first.text().await.expect("a name");
    first.click().await.expect("followed");
    wait_for(&browser, "section[aria-labelledby=statements] table").await;
    let h1 = browser
        .find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .expect("text");
    assert_eq!(h1, name);
    let reasons = browser
        .find_all(Locator::Css("section[aria-labelledby=risk] ul.reasons li"))
        .await
        .expect("reasons");
    assert_eq!(reasons.len(), 3);
    assert!(
        browser
            .find(Locator::Css("section[aria-labelledby=trail] svg.bars"))
            .await
            .is_ok(),
        "the weekly trail"
    );
    screenshot(&browser, "learner-1366-whole").await;
    browser.close().await.expect("closed");
}
