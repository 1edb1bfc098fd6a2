//! Design JSON parser: any bytes (as lossy UTF-8) either parse into a design
//! that validates and round-trips exactly through `to_json`, or give a
//! non-empty error. Never a panic.
#![no_main]

use hairline_visualizer::design::Design;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Design::from_json(&text) {
        Ok(d) => {
            d.validate().expect("an accepted design validates");
            let json = d.to_json();
            let back = Design::from_json(&json).expect("to_json output parses");
            assert_eq!(back, d, "round trip changed the design: {json}");
            assert_eq!(back.to_json(), json);
        }
        Err(e) => assert!(!e.to_string().trim().is_empty(), "empty error message"),
    }
});
