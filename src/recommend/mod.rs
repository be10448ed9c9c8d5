//! Work in progress: see the module owner's report.
