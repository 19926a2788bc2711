-- Directory integrity (issue 8): the link of a record to its registry person, one ANR at most
-- once per Haupt-IK, sites that left the national directory, and access to a Haupt-IK's data
-- that the institution already using it must confirm.

-- 1. The registry person (stable lifelong id; the ANR itself changes at regrouping) whose ANR a
--    record carries because the registry issued or matched it. Only this person's registry row
--    is ever changed through the record. Existing issued/matched records are linked by their ANR.
ALTER TABLE physicians ADD COLUMN registry_lifelong_id INTEGER;
UPDATE physicians
   SET registry_lifelong_id = (SELECT r.lifelong_id FROM registry_persons r WHERE r.anr = physicians.anr)
 WHERE anr IS NOT NULL
   AND json_extract(request_state, '$.state') IN ('issued', 'matched');
CREATE INDEX physicians_registry_link ON physicians(registry_lifelong_id)
    WHERE registry_lifelong_id IS NOT NULL;

-- 2. One ANR at most once per Haupt-IK. Databases may already hold duplicates (nothing stopped
--    them): per (Haupt-IK, ANR) the record linked to the registry keeps the number, else the
--    oldest; the others lose it (ANR emptied, an issued/matched state reset to "not requested",
--    version raised so open browser forms must reload). Nothing is lost: every emptied number is
--    kept in physician_anr_cleared with the record that kept it, for the hospital or the office
--    to review.
CREATE TABLE physician_anr_cleared (
    id           INTEGER PRIMARY KEY,
    physician_id INTEGER NOT NULL REFERENCES physicians(id),
    main_ik      TEXT NOT NULL,
    anr          TEXT NOT NULL,
    kept_by_id   INTEGER NOT NULL REFERENCES physicians(id),
    cleared_at   INTEGER NOT NULL
);
INSERT INTO physician_anr_cleared (physician_id, main_ik, anr, kept_by_id, cleared_at)
SELECT p.id, p.main_ik, p.anr, k.keeper, CAST(strftime('%s', 'now') AS INTEGER)
  FROM physicians p
  JOIN (SELECT d.main_ik, d.anr,
               (SELECT x.id FROM physicians x
                 WHERE x.main_ik = d.main_ik AND x.anr = d.anr
                 ORDER BY x.registry_lifelong_id IS NULL, x.id LIMIT 1) AS keeper
          FROM physicians d
         WHERE d.anr IS NOT NULL
         GROUP BY d.main_ik, d.anr
        HAVING COUNT(*) > 1) k
    ON k.main_ik = p.main_ik AND k.anr = p.anr
 WHERE p.id <> k.keeper;
UPDATE physicians
   SET anr = NULL,
       form = json_set(form, '$.anr', NULL),
       request_state = CASE
           WHEN json_extract(request_state, '$.state') IN ('issued', 'matched')
           THEN '{"state":"not_requested"}' ELSE request_state END,
       registry_lifelong_id = NULL,
       version = version + 1
 WHERE id IN (SELECT physician_id FROM physician_anr_cleared);
CREATE UNIQUE INDEX physicians_main_ik_anr ON physicians(main_ik, anr) WHERE anr IS NOT NULL;

-- 3. A site the weekly import no longer lists is kept, marked as removed: its assignments stay
--    valid and can be ended, but it takes no new ones. It is listed again if it comes back.
ALTER TABLE sites ADD COLUMN removed_at INTEGER;

-- 4. Access to the data of a Haupt-IK: 'granted', or 'pending' for an institution approved
--    under a Haupt-IK that another institution already used, until that one's admin confirms.
--    Institutions that already share a Haupt-IK keep access only for the first of them.
ALTER TABLE institutions ADD COLUMN main_ik_access TEXT NOT NULL DEFAULT 'granted'
    CHECK (main_ik_access IN ('granted', 'pending'));
ALTER TABLE institutions ADD COLUMN main_ik_confirmed_by INTEGER REFERENCES users(id);
ALTER TABLE institutions ADD COLUMN main_ik_confirmed_at INTEGER;
UPDATE institutions
   SET main_ik_access = 'pending'
 WHERE kind = 'hospital'
   AND EXISTS (SELECT 1 FROM institutions o
                WHERE o.kind = 'hospital' AND o.id < institutions.id
                  AND COALESCE(o.main_ik, o.ik) = COALESCE(institutions.main_ik, institutions.ik));
