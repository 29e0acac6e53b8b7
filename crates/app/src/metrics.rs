//! Prometheus metrics of one instance, served on their own listener (`metrics.listen`): the
//! requests by route template, method and status with their latency, the database pool and
//! the transactions waiting for it, the outbox backlog and the age of its oldest message,
//! runs and failures of the scheduled work, sign-in failures and throttles, and the bytes
//! uploaded and downloaded. Counters live here and the use cases count; gauges are read when
//! scraped. Names follow the Prometheus conventions (`_total`, `_seconds`, `_bytes`).

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::{App, Result};

/// A request's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route template (`/support-documents/{id}`), never the path with its ids.
    pub route: String,
    /// HTTP method.
    pub method: String,
    /// Status code.
    pub status: u16,
}

/// A request's labels for its duration.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// The route template.
    pub route: String,
    /// HTTP method.
    pub method: String,
}

/// A scheduled job.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    /// `minute_jobs` (SLA, auto-close, reminders), `notifications`, `outbox`, `mail_in`.
    pub job: String,
}

/// A database connection's state.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ConnectionLabels {
    /// `in_use` or `idle`.
    pub state: String,
}

fn duration_histogram() -> Histogram {
    // 1 ms … about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The metrics of this instance.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    job_runs: Family<JobLabels, Counter>,
    job_failures: Family<JobLabels, Counter>,
    sign_in_failures: Counter,
    sign_in_throttled: Counter,
    uploaded: Counter,
    downloaded: Counter,
    connections: Family<ConnectionLabels, Gauge>,
    connections_max: Gauge,
    waiting: Gauge,
    outbox: Gauge,
    outbox_oldest: Gauge<f64, AtomicU64>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("supportweb");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route template, method and status",
            requests.clone(),
        );
        let durations = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            duration_histogram,
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time to answer a request, by route template and method",
            Unit::Seconds,
            durations.clone(),
        );
        let job_runs = Family::<JobLabels, Counter>::default();
        registry.register("job_runs", "Runs of scheduled work", job_runs.clone());
        let job_failures = Family::<JobLabels, Counter>::default();
        registry.register(
            "job_failures",
            "Runs of scheduled work that failed",
            job_failures.clone(),
        );
        let sign_in_failures = Counter::default();
        registry.register(
            "sign_in_failures",
            "Sign-ins refused for a wrong name, password or second factor",
            sign_in_failures.clone(),
        );
        let sign_in_throttled = Counter::default();
        registry.register(
            "sign_in_throttled",
            "Sign-ins refused by throttling",
            sign_in_throttled.clone(),
        );
        let uploaded = Counter::default();
        registry.register_with_unit(
            "upload",
            "Bytes of files uploaded",
            Unit::Bytes,
            uploaded.clone(),
        );
        let downloaded = Counter::default();
        registry.register_with_unit(
            "download",
            "Bytes of files served (whole files and ranges)",
            Unit::Bytes,
            downloaded.clone(),
        );
        let connections = Family::<ConnectionLabels, Gauge>::default();
        registry.register(
            "db_connections",
            "Database connections of this instance, by state",
            connections.clone(),
        );
        let connections_max = Gauge::default();
        registry.register(
            "db_connections_max",
            "Most database connections this instance opens",
            connections_max.clone(),
        );
        let waiting = Gauge::default();
        registry.register(
            "db_transactions_waiting",
            "Transactions waiting for a connection or the write lock",
            waiting.clone(),
        );
        let outbox = Gauge::default();
        registry.register(
            "outbox_messages",
            "E-mails in the outbox not sent yet",
            outbox.clone(),
        );
        let outbox_oldest = Gauge::<f64, AtomicU64>::default();
        registry.register_with_unit(
            "outbox_oldest_message_age",
            "Age of the oldest e-mail not sent yet (0 when none waits)",
            Unit::Seconds,
            outbox_oldest.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            job_runs,
            job_failures,
            sign_in_failures,
            sign_in_throttled,
            uploaded,
            downloaded,
            connections,
            connections_max,
            waiting,
            outbox,
            outbox_oldest,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_owned(),
                method: method.to_owned(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
                method: method.to_owned(),
            })
            .observe(seconds);
    }

    /// Counts one run of scheduled work `job`, failed or not.
    pub fn job(&self, job: &str, ok: bool) {
        let labels = JobLabels {
            job: job.to_owned(),
        };
        self.job_runs.get_or_create(&labels).inc();
        if !ok {
            self.job_failures.get_or_create(&labels).inc();
        }
    }

    pub(crate) fn sign_in_failed(&self) {
        self.sign_in_failures.inc();
    }

    pub(crate) fn sign_in_throttled(&self) {
        self.sign_in_throttled.inc();
    }

    pub(crate) fn uploaded(&self, bytes: u64) {
        self.uploaded.inc_by(bytes);
    }

    pub(crate) fn downloaded(&self, bytes: u64) {
        self.downloaded.inc_by(bytes);
    }
}

impl App {
    /// The metrics of this instance.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// Every metric in the Prometheus text format (OpenMetrics), the gauges read now.
    pub async fn render_metrics(&self) -> Result<String> {
        let metrics = self.metrics();
        let store = self.store();
        let pool = store.pool_status();
        let gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        metrics
            .connections
            .get_or_create(&ConnectionLabels {
                state: "in_use".into(),
            })
            .set(gauge(pool.in_use));
        metrics
            .connections
            .get_or_create(&ConnectionLabels {
                state: "idle".into(),
            })
            .set(gauge(pool.idle));
        metrics.connections_max.set(gauge(pool.max));
        metrics.waiting.set(gauge(pool.waiting));
        // A database in trouble must not blank the scrape: the outbox gauges keep their last
        // values and everything else is still served.
        match store.outbox_backlog().await {
            Ok((count, oldest)) => {
                metrics.outbox.set(count);
                metrics.outbox_oldest.set(match oldest {
                    Some(at) => (chrono::Utc::now() - at).num_milliseconds().max(0) as f64 / 1000.0,
                    None => 0.0,
                });
            }
            Err(error) => tracing::warn!(%error, "outbox backlog not read for the metrics"),
        }
        let mut out = String::new();
        encode(&mut out, &metrics.registry).map_err(|e| crate::Error::Internal(e.to_string()))?;
        Ok(out)
    }
}
