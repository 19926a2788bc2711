-- The registry's name search orders and compares names by bytes (`COLLATE "C"`, as SQLite's
-- BINARY does), whatever the database's default collation: its index must use the same order,
-- or every search scans the table. PostgreSQL only; SQLite's index (0004) already is bytewise.
DROP INDEX registry_name;
CREATE INDEX registry_name ON registry_persons (last_name_norm COLLATE "C", first_name_norm COLLATE "C");
