// The SPA's lazily loaded areas and pieces (split points of src/areas.rs and
// src/pages/care_billing/crypto.rs), shared by the build scripts that handle the split output.

// Every split point: a build without one of them is broken.
export const AREAS = [
  "directory",
  "audits",
  "administration",
  "registration",
  "registration_status",
  "sign_in_steps",
  "account",
  "care_billing",
  "kiosk",
  "directory_editor",
  "directory_clarifications",
  "directory_bulk",
  "audits_case",
  "audits_structure",
  "care_seal",
];

// Split points that only code inside another area loads (the areas' pieces and the care billing
// crypto): their chunk carries what that area has not already fetched.
export const LOADED_FROM = {
  care_seal: "care_billing",
  directory_editor: "directory",
  directory_clarifications: "directory",
  directory_bulk: "directory",
  audits_case: "audits",
  audits_structure: "audits",
};
