//! The time limit of every step of a report (Annex II; Art. 7–10). This table is the one place
//! in the code where each limit is written down: the lifecycle reads its deadlines from here.

use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::calendar::WorkingDuration;

/// A step with a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The IOC receives, verifies and dispatches a report.
    Dispatch,
    /// A single lead agency processes and answers, its leader's approval included.
    LeadProcess,
    /// The lead agency returns a wrong assignment to the IOC.
    LeadReturn,
    /// The lead agency forwards the report to coordinating agencies.
    LeadForward,
    /// A coordinating agency returns a wrong assignment to the lead.
    CoordinatorReturn,
    /// A coordinating agency processes, and its leader approves, its answer.
    CoordinatorProcess,
    /// The lead consolidates the coordinators' answers and its leader approves.
    LeadConsolidate,
    /// An agency leader approves or sends back a draft result.
    LeaderApproval,
    /// The lead agency answers again, its leader's approval included, after the IOC returned a
    /// result that had no answer (Art. 9.4).
    LeadRedraft,
    /// The IOC publishes an approved result, or returns one without an answer.
    Publish,
    /// The lead agency clarifies its result after the reporter's feedback.
    Clarify,
    /// After an emergency is handled on the ground, the agency records what was done.
    EmergencyRecord,
}

impl Step {
    /// Every step, in the order of the table.
    pub const ALL: [Step; 12] = [
        Step::Dispatch,
        Step::LeadProcess,
        Step::LeadReturn,
        Step::LeadForward,
        Step::CoordinatorReturn,
        Step::CoordinatorProcess,
        Step::LeadConsolidate,
        Step::LeaderApproval,
        Step::LeadRedraft,
        Step::Publish,
        Step::Clarify,
        Step::EmergencyRecord,
    ];

    /// The name a clock of the step carries (in the database and the API).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Dispatch => "dispatch",
            Step::LeadProcess => "lead_process",
            Step::LeadReturn => "lead_return",
            Step::LeadForward => "lead_forward",
            Step::CoordinatorReturn => "coordinator_return",
            Step::CoordinatorProcess => "coordinator_process",
            Step::LeadConsolidate => "lead_consolidate",
            Step::LeaderApproval => "leader_approval",
            Step::LeadRedraft => "lead_redraft",
            Step::Publish => "publish",
            Step::Clarify => "clarify",
            Step::EmergencyRecord => "emergency_record",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// How a step's clock stands. The one definition of on time, late and overdue: the views, the
/// statistics counters and (tested against them) the statistics queries follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    /// Not done, its deadline not passed.
    Running,
    /// Not done, its deadline passed (Art. 8.5).
    Overdue,
    /// Done at or before its deadline as extended (Art. 8.3).
    OnTime,
    /// Done after it.
    Late,
    /// Withdrawn (a re-dispatch, a designation, coordination replacing the 6-day clock): it
    /// counts nowhere.
    Cancelled,
}

impl ClockState {
    /// The state of a clock due at `due`, done at `done` (if), cancelled or not, seen at `now`.
    pub fn of(
        due: NaiveDateTime,
        done: Option<NaiveDateTime>,
        cancelled: bool,
        now: NaiveDateTime,
    ) -> Self {
        if cancelled {
            return ClockState::Cancelled;
        }
        match done {
            Some(d) if d <= due => ClockState::OnTime,
            Some(_) => ClockState::Late,
            None if due < now => ClockState::Overdue,
            None => ClockState::Running,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Overdue => "overdue",
            ClockState::OnTime => "on_time",
            ClockState::Late => "late",
            ClockState::Cancelled => "cancelled",
        }
    }
}

/// How long a step may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Counted in office sessions of working days.
    Working(WorkingDuration),
    /// Counted on the clock, day and night (Art. 8.6).
    ClockHours(u32),
}

/// Who acts in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The IOC (Trung tâm IOC tỉnh).
    Ioc,
    /// The lead agency (cơ quan xử lý chính).
    Lead,
    /// A coordinating agency (cơ quan phối hợp).
    Coordinator,
    /// The leader of the acting agency.
    Leader,
    /// The agency that handled an emergency.
    Agency,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct StepRule {
    pub step: Step,
    pub actor: Actor,
    pub limit: Limit,
    /// What starts the clock.
    pub starts: &'static str,
    /// Where the regulation says so.
    pub article: &'static str,
}

use Limit::{ClockHours, Working};
use WorkingDuration::{Days, Hours};

/// Annex II and Art. 7–10, row by row.
pub const STEPS: &[StepRule] = &[
    StepRule {
        step: Step::Dispatch,
        actor: Actor::Ioc,
        limit: Working(Hours(4)),
        starts: "report submitted",
        article: "Art. 7.3; Annex II step 1",
    },
    StepRule {
        step: Step::LeadProcess,
        actor: Actor::Lead,
        limit: Working(Days(6)),
        starts: "assignment to the lead agency",
        article: "Art. 8.1; Annex II steps 2 and 4 (5 + 1)",
    },
    StepRule {
        step: Step::LeadReturn,
        actor: Actor::Lead,
        limit: Working(Days(1)),
        starts: "assignment to the lead agency",
        article: "Art. 8.1; Annex II step 2",
    },
    StepRule {
        step: Step::LeadForward,
        actor: Actor::Lead,
        limit: Working(Days(1)),
        starts: "assignment to the lead agency",
        article: "Art. 8.2 step 1; Annex II step 3",
    },
    StepRule {
        step: Step::CoordinatorReturn,
        actor: Actor::Coordinator,
        limit: Working(Days(1)),
        starts: "assignment to the coordinating agency",
        article: "Art. 8.2 step 2; Annex II step 3",
    },
    StepRule {
        step: Step::CoordinatorProcess,
        actor: Actor::Coordinator,
        limit: Working(Days(4)),
        starts: "assignment to the coordinating agency",
        article: "Art. 8.2 step 2; Annex II step 3 (3 + 1)",
    },
    StepRule {
        step: Step::LeadConsolidate,
        actor: Actor::Lead,
        limit: Working(Days(2)),
        starts: "last coordinator result received",
        article: "Art. 8.2 step 3; Annex II step 3 (1 + 1)",
    },
    StepRule {
        step: Step::LeaderApproval,
        actor: Actor::Leader,
        limit: Working(Days(1)),
        starts: "draft result submitted",
        article: "Art. 8.4; Annex II step 4",
    },
    StepRule {
        step: Step::Publish,
        actor: Actor::Ioc,
        limit: Working(Hours(4)),
        starts: "result approved",
        article: "Art. 9.2, 9.4; Annex II step 5",
    },
    // The regulation sets no limit for the redraft after Art. 9.4; the lead gets what Annex II
    // gives it to put an answer together and submit it (step 3, 1 day) plus its leader's
    // approval (step 4, 1 day).
    StepRule {
        step: Step::LeadRedraft,
        actor: Actor::Lead,
        limit: Working(Days(2)),
        starts: "result without an answer returned by the IOC",
        article: "Art. 9.4; Annex II steps 3 and 4 (1 + 1)",
    },
    StepRule {
        step: Step::Clarify,
        actor: Actor::Lead,
        limit: Working(Days(2)),
        starts: "feedback received",
        article: "Art. 10.2",
    },
    StepRule {
        step: Step::EmergencyRecord,
        actor: Actor::Agency,
        limit: ClockHours(4),
        starts: "work on the ground finished",
        article: "Art. 8.6 step 3",
    },
];

/// The rule of a step.
pub fn rule(step: Step) -> &'static StepRule {
    STEPS
        .iter()
        .find(|r| r.step == step)
        .expect("every step has a rule")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_exactly_one_rule() {
        for r in STEPS {
            assert_eq!(
                STEPS.iter().filter(|x| x.step == r.step).count(),
                1,
                "{:?}",
                r.step
            );
        }
        assert_eq!(
            rule(Step::Dispatch).limit,
            Limit::Working(WorkingDuration::Hours(4))
        );
        assert_eq!(
            rule(Step::LeadProcess).limit,
            Limit::Working(WorkingDuration::Days(6))
        );
        assert_eq!(rule(Step::EmergencyRecord).limit, Limit::ClockHours(4));
    }

    #[test]
    fn clock_states() {
        let t = |h: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        assert_eq!(
            ClockState::of(t(10), Some(t(10)), false, t(12)),
            ClockState::OnTime
        );
        assert_eq!(
            ClockState::of(t(10), Some(t(11)), false, t(9)),
            ClockState::Late
        );
        assert_eq!(
            ClockState::of(t(10), None, false, t(11)),
            ClockState::Overdue
        );
        assert_eq!(
            ClockState::of(t(10), None, false, t(10)),
            ClockState::Running
        );
        assert_eq!(
            ClockState::of(t(10), None, true, t(11)),
            ClockState::Cancelled
        );
    }

    #[test]
    fn names_round_trip_and_match_the_contract() {
        for s in Step::ALL {
            assert_eq!(Step::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert!(STEPS.iter().any(|r| r.step == s), "{s:?} has a rule");
        }
        assert_eq!(STEPS.len(), Step::ALL.len());
    }
}
