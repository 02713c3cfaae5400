//! `lrs analytics verify`.

use crate::config::Config;

/// `lrs analytics verify`: the whole store, every statement read and classified.
pub async fn run(pool: &sqlx::PgPool, config: &Config, repair: bool) -> anyhow::Result<()> {
    use crate::service::analytics::verify;
    let settings = config.analytics();
    let started = std::time::Instant::now();
    let through = crate::store::analytics::verify::settled_through(pool, 0.0).await?;
    let report = verify::check(pool, &settings, 0, through, false).await?;
    println!(
        "checked {} statements in {:.1} s: {} missing from the analytics, {} waiting for their \
         registration's course",
        report.checked,
        started.elapsed().as_secs_f64(),
        report.missing.len(),
        report.parked
    );
    if report.missing.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = report.missing.iter().take(20).map(i64::to_string).collect();
    println!("missing (statement seq): {}", shown.join(" "));
    if !repair {
        anyhow::bail!(
            "{} statements are missing from the analytics; `lrs analytics verify --repair` \
             applies them again",
            report.missing.len()
        );
    }
    verify::repair(pool, &report.missing).await?;
    crate::service::analytics::drain::drain(pool, &settings).await?;
    println!(
        "repaired: {} statements applied again",
        report.missing.len()
    );
    Ok(())
}
