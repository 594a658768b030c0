//! The one place rebook talks to HiGHS's C API directly (everything else goes through good_lp
//! and the `highs` crate): the callback that interrupts a run (a raised stop flag, a work limit)
//! and passes HiGHS's log on, and the HiGHS version. The crate forbids `unsafe` everywhere else
//! (docs/DECISIONS.md, decision 65); each block here says why it is sound.
#![allow(unsafe_code)]

use crate::strategy::contract::{SolverLog, StopFlag};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Instant;

/// What HiGHS's callbacks see during a run: the stop flag, the work limit (in simplex
/// iterations for this model), where its log goes, the iterations done so far, and the soft end
/// of the run.
pub struct Watch<'a> {
    pub stop: &'a StopFlag,
    pub iteration_limit: Option<i64>,
    pub log: Option<(&'a SolverLog, &'a str)>,
    pub iterations: AtomicI64,
    pub stopped_by_work: AtomicBool,
    /// The soft end (a time, and iterations with a work limit): past either, the run stops as
    /// soon as it has a plan.
    pub soft: Option<(Instant, Option<i64>)>,
    /// The run was stopped at its soft end by time.
    pub stopped_soft_by_time: AtomicBool,
}

/// Registers [`on_highs_event`] on `model` with `watch` as its data, and starts the interrupt
/// callbacks (and the log callback when `watch` has a log). `watch` must outlive every solve of
/// `model`: the caller keeps both in one function.
pub fn watch(model: &mut highs::Model, watch: &Watch) {
    // SAFETY: `model.as_mut_ptr()` is a live Highs object; `watch` outlives the solve (see above)
    // and the callback only reads it through shared references and atomics.
    unsafe {
        let ptr = model.as_mut_ptr();
        highs_sys::Highs_setCallback(ptr, Some(on_highs_event), watch as *const Watch as *mut c_void);
        for kind in [
            highs_sys::kHighsCallbackMipInterrupt,
            highs_sys::kHighsCallbackSimplexInterrupt,
            highs_sys::kHighsCallbackIpmInterrupt,
        ] {
            highs_sys::Highs_startCallback(ptr, kind);
        }
        if watch.log.is_some() {
            highs_sys::Highs_startCallback(ptr, highs_sys::kHighsCallbackLogging);
        }
    }
}

/// HiGHS's callback: passes its log lines on, and interrupts the run when the stop flag is
/// raised or the work limit is reached. It must not unwind into C++, and nothing in it can panic.
unsafe extern "C" fn on_highs_event(
    kind: c_int,
    message: *const c_char,
    out: *const highs_sys::HighsCallbackDataOut,
    input: *mut highs_sys::HighsCallbackDataIn,
    user: *mut c_void,
) {
    if user.is_null() {
        return;
    }
    // SAFETY: `user` is the `Watch` that `run_highs` registered, alive for the whole solve.
    let watch = unsafe { &*(user as *const Watch) };
    let kind = kind as highs_sys::HighsInt;
    if kind == highs_sys::kHighsCallbackLogging {
        if let Some((log, label)) = watch.log {
            if !message.is_null() {
                // SAFETY: HiGHS passes a NUL-terminated message.
                let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
                log.write(label, text.trim_end_matches('\n'));
            }
        }
        return;
    }
    let mut interrupt = watch.stop.is_raised();
    if kind == highs_sys::kHighsCallbackMipInterrupt && !out.is_null() {
        // SAFETY: HiGHS passes its output data with every MIP callback.
        let done = unsafe { (*out).mip_total_lp_iterations };
        watch.iterations.fetch_max(done, Ordering::Relaxed);
        if watch.iteration_limit.is_some_and(|limit| done >= limit) {
            watch.stopped_by_work.store(true, Ordering::Relaxed);
            interrupt = true;
        }
        // SAFETY: as above.
        let has_plan = unsafe { (*out).mip_primal_bound }.is_finite();
        if let Some((at, iterations)) = watch.soft.filter(|_| has_plan && !interrupt) {
            if iterations.is_some_and(|limit| done >= limit) {
                watch.stopped_by_work.store(true, Ordering::Relaxed);
                interrupt = true;
            } else if Instant::now() >= at {
                watch.stopped_soft_by_time.store(true, Ordering::Relaxed);
                interrupt = true;
            }
        }
    }
    if interrupt && !input.is_null() {
        // SAFETY: HiGHS passes its input data with every interrupt callback.
        unsafe { (*input).user_interrupt = 1 };
    }
}

/// The HiGHS version linked into rebook, e.g. `1.11.0 (git abc1234)`.
pub fn highs_version() -> String {
    // SAFETY: plain getters of compile-time constants; the githash is a static C string.
    unsafe {
        let hash = highs_sys::Highs_githash();
        let hash = if hash.is_null() {
            String::new()
        } else {
            format!(" (git {})", CStr::from_ptr(hash).to_string_lossy())
        };
        format!(
            "{}.{}.{}{hash}",
            highs_sys::Highs_versionMajor(),
            highs_sys::Highs_versionMinor(),
            highs_sys::Highs_versionPatch()
        )
    }
}
