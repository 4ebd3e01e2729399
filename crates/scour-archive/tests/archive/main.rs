//! Archive readers, end to end, on fixtures built in memory (fake content).

mod detect;
mod fixtures;
mod gzip;
mod limits;
mod nested;
mod robust;
mod tar;
mod zip;
