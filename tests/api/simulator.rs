//! The simulator is a client crate of its own (`simulator/`), which cannot use the LRS's
//! validator: its statements are checked against it here.

use lrs::xapi::{XapiVersion, validate_statement};
use lrs_simulator::{CourseStyle, SimulationConfig, simulate};

#[test]
fn every_simulated_statement_is_valid_xapi() {
    for style in [CourseStyle::Grouping, CourseStyle::JiscExtension] {
        let simulation = simulate(&SimulationConfig {
            seed: 7,
            courses: 2,
            learners_per_course: 15,
            weeks: 4,
            course_style: style,
            ..SimulationConfig::default()
        });
        assert!(simulation.statements.len() > 500);
        for statement in &simulation.statements {
            for version in [XapiVersion::V1_0(3), XapiVersion::V2_0(0)] {
                if let Err(e) = validate_statement(statement, version) {
                    panic!("{e:?} in {statement:#}");
                }
            }
        }
    }
}
