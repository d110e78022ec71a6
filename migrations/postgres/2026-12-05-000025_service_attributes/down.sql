DROP TABLE report_attributes;
DROP TABLE service_attributes;
