-- Art. 3.7: agencies that cannot agree on how to handle a report, or handle it incompletely, are
-- reported to the province, which directs them or designates the lead. One referral is open at a
-- time per report; each is kept with its decision.
CREATE TABLE province_referrals (
    id TEXT PRIMARY KEY NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports (id),
    raised_by TEXT NOT NULL REFERENCES users (id),
    raised_role TEXT NOT NULL,
    raised_agency_id TEXT REFERENCES agencies (id),
    reason TEXT NOT NULL,
    raised_at TIMESTAMP NOT NULL,
    decision TEXT,
    direction TEXT,
    designated_agency_id TEXT REFERENCES agencies (id),
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP
);
CREATE INDEX province_referrals_report ON province_referrals (report_id, raised_at);
CREATE INDEX province_referrals_open ON province_referrals (decided_at, raised_at);
