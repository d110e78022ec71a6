-- Open311 service definitions: the attributes an admin adds to a category (what a city app asks
-- for a streetlight, a flooded road, …), beside the identity Art. 4.2 requires. `choices` holds
-- the values of a list attribute as JSON ([{"key": …, "name": …}]).
CREATE TABLE service_attributes (
    category_code TEXT NOT NULL REFERENCES categories (code),
    code TEXT NOT NULL,
    datatype TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    description TEXT NOT NULL,
    position INTEGER NOT NULL,
    choices TEXT NOT NULL,
    PRIMARY KEY (category_code, code)
);

-- The answers a report filed through Open311 gave to its category's attributes (staff only).
CREATE TABLE report_attributes (
    report_id TEXT NOT NULL REFERENCES reports (id),
    code TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (report_id, code, value)
);
