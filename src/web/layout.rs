//! The frame of every page: the head, the top bar (with sign-out when signed in) and `main`.

use maud::{DOCTYPE, Markup, html};

use super::assets::STYLESHEET_PATH;
use crate::service::dashboard_sessions::Session;

/// A page: its title and content, for a signed-in session or none.
pub fn page(title: &str, session: Option<&Session>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · LRS dashboard" }
                link rel="stylesheet" href=(STYLESHEET_PATH);
            }
            body {
                header.top {
                    a.brand href="/" { "LRS dashboard" }
                    @if let Some(session) = session {
                        nav aria-label="main" {
                            a href="/dashboard/courses" { "Courses" }
                            a href="/dashboard/statements" { "Statements" }
                            span.muted { "Signed in as " (session.principal.name) }
                            form method="post" action="/sign-out" {
                                input type="hidden" name="csrf" value=(session.csrf);
                                button.link type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (content) }
            }
        }
    }
}
