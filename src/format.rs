//! German formatting of sizes; dates and times are in `crate::dates` (re-exported here for the
//! pages not yet ported).
pub use crate::dates::{date, date_time};

/// File sizes for people: "812 KB", "3,4 MB".
pub fn file_size(bytes: i64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::file_size;

    #[test]
    fn file_sizes_in_german() {
        assert_eq!(file_size(1), "1 KB");
        assert_eq!(file_size(812 * 1024), "812 KB");
        assert_eq!(file_size(3_565_158), "3,4 MB");
        assert_eq!(file_size(10 * 1024 * 1024), "10,0 MB");
    }
}
