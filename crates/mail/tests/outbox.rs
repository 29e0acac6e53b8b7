//! Sending the outbox over a real SMTP conversation on loopback, on both backends: nothing is
//! lost while the mail server is down and sending resumes when it is back; two application
//! instances on one database send each message exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use supportweb_domain::agenda::Agenda;
use supportweb_mail::testing::{SmtpServer, settings_for, unused_address};
use supportweb_mail::{Delivery, Mailer, send_claimed, send_due};
use supportweb_storage::notifications::{EventKind, NewMessage, RecordRef};
use supportweb_storage::testing::TestStore;
use supportweb_storage::{Store, testing};

/// Writes `count` messages to the outbox the way the notifier does: an event recorded in a
/// transaction, claimed, and finished with its messages.
async fn queue(store: &Store, count: usize) {
    let mut tx = store.begin().await.unwrap();
    tx.record_event(
        EventKind::DocumentReply,
        uuid::Uuid::now_v7(),
        None,
        None,
        "",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let events = store.claim_events(10).await.unwrap();
    assert_eq!(events.len(), 1);
    let document = events[0].entity_id;
    let messages: Vec<NewMessage> = (0..count)
        .map(|i| NewMessage {
            recipient_id: None,
            recipient_email: format!("zakaznik{i}@urad.example.cz"),
            subject: format!("[SD-2026-{i:06}] Nefunguje podatelna"),
            body: format!("Dobrý den,\nodpověď č. {i}: příliš žluťoučký kůň úpěl ďábelské ódy.\n"),
            record: Some(RecordRef {
                agenda: Agenda::SupportDocuments,
                id: document,
            }),
            reply_to: Some(format!("podpora+r.token{i}@example.cz")),
            ..NewMessage::default()
        })
        .collect();
    store.finish_event(events[0].id, &messages).await.unwrap();
}

async fn server_down_then_up(test: TestStore) {
    let store = &test.store;
    queue(store, 3).await;

    // The mail server is down: every message waits, with the reason, and nothing is sent.
    let address = unused_address().await.unwrap();
    let mailer = Mailer::new(&settings_for(address), "podpora.example.cz").unwrap();
    let delivery = send_due(store, &mailer, "instance-a", 50).await.unwrap();
    assert_eq!(delivery, Delivery { sent: 0, failed: 3 });
    let entries = store.outbox_entries().await.unwrap();
    assert_eq!(entries.len(), 3);
    for entry in &entries {
        assert_eq!(entry.sent_at, None);
        assert_eq!(entry.attempts, 1);
        assert!(
            entry
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("unreachable")),
            "{entry:?}"
        );
    }
    // Back-off: nothing is due right away.
    let delivery = send_due(store, &mailer, "instance-a", 50).await.unwrap();
    assert_eq!(delivery, Delivery::default());

    // The server comes back on the same address; once the messages are due they all go out.
    let server = SmtpServer::start_on(address).await.unwrap();
    store.outbox_retry_now().await.unwrap();
    let delivery = send_due(store, &mailer, "instance-a", 50).await.unwrap();
    assert_eq!(delivery, Delivery { sent: 3, failed: 0 });
    let received = server.received();
    assert_eq!(received.len(), 3);
    let first = received
        .iter()
        .find(|m| m.to == ["zakaznik0@urad.example.cz"])
        .expect("message to zakaznik0");
    assert_eq!(first.from, "podpora@supportweb.test");
    assert!(
        first
            .body()
            .contains("příliš žluťoučký kůň úpěl ďábelské ódy"),
        "{}",
        first.body()
    );
    let message_id = first.header("Message-ID").unwrap();
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@podpora.example.cz>"),
        "{message_id}"
    );
    // What e-mail in needs from a reply: the reply address, one thread per record, and a
    // mark that keeps out-of-office programs from answering.
    assert_eq!(
        first.header("Reply-To").as_deref(),
        Some("podpora+r.token0@example.cz")
    );
    let thread = first.header("In-Reply-To").unwrap();
    assert!(
        thread.starts_with("<support-documents.") && thread.ends_with("@podpora.example.cz>"),
        "{thread}"
    );
    assert_eq!(first.header("References"), Some(thread));
    assert_eq!(
        first.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    for entry in store.outbox_entries().await.unwrap() {
        assert!(entry.sent_at.is_some(), "{entry:?}");
        assert_eq!(entry.attempts, 2);
    }

    // Nothing is sent twice.
    let delivery = send_due(store, &mailer, "instance-a", 50).await.unwrap();
    assert_eq!(delivery, Delivery::default());
    assert_eq!(server.received().len(), 3);
}

async fn two_instances_send_each_message_once(test: TestStore) {
    const COUNT: usize = 40;
    queue(&test.store, COUNT).await;
    let server = SmtpServer::start().await.unwrap();
    let other = Store::connect(&test.url, 4).await.unwrap();
    let mailer = Mailer::new(&server.settings(), "podpora.example.cz").unwrap();
    let (a, b) = tokio::join!(
        async {
            let mut total = Delivery::default();
            for _ in 0..5 {
                let d = send_due(&test.store, &mailer, "instance-a", 7)
                    .await
                    .unwrap();
                total.sent += d.sent;
                total.failed += d.failed;
            }
            total
        },
        async {
            let mut total = Delivery::default();
            for _ in 0..5 {
                let d = send_due(&other, &mailer, "instance-b", 7).await.unwrap();
                total.sent += d.sent;
                total.failed += d.failed;
            }
            total
        }
    );
    assert_eq!(a.failed + b.failed, 0);
    assert_eq!(a.sent + b.sent, COUNT, "{a:?} {b:?}");
    let received = server.received();
    assert_eq!(received.len(), COUNT);
    let recipients: HashSet<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    assert_eq!(recipients.len(), COUNT, "a recipient got two messages");
    for entry in test.store.outbox_entries().await.unwrap() {
        assert!(entry.sent_at.is_some());
        assert_eq!(entry.attempts, 1, "{entry:?}");
    }
    other.close().await;
}

/// An instance that took longer than its claim lasts finds its messages taken over by the
/// other instance, and leaves them to it: each recipient gets one message.
async fn a_slow_instance_leaves_taken_over_messages_alone(test: TestStore) {
    queue(&test.store, 3).await;
    let server = SmtpServer::start().await.unwrap();
    let mailer = Mailer::new(&server.settings(), "podpora.example.cz").unwrap();
    let slow = test.store.claim_outbox("instance-a", 50).await.unwrap();
    assert_eq!(slow.len(), 3);
    testing::expire_outbox_claims(&test.store).await;
    // The other instance takes two of them over and is about to send them, when the slow
    // one gets round to its batch.
    let taken = test.store.claim_outbox("instance-b", 2).await.unwrap();
    assert_eq!(taken.len(), 2);
    let late = send_claimed(&test.store, &mailer, "instance-a", slow)
        .await
        .unwrap();
    assert_eq!(
        late,
        Delivery { sent: 1, failed: 0 },
        "only the one nobody took"
    );
    let other = send_claimed(&test.store, &mailer, "instance-b", taken)
        .await
        .unwrap();
    assert_eq!(other, Delivery { sent: 2, failed: 0 });
    let received = server.received();
    assert_eq!(received.len(), 3);
    let recipients: HashSet<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    assert_eq!(recipients.len(), 3, "a recipient got two messages");
    for entry in test.store.outbox_entries().await.unwrap() {
        assert!(entry.sent_at.is_some());
        assert_eq!(entry.attempts, 1, "{entry:?}");
    }
}

macro_rules! on_both {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::testing::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(test) = super::testing::postgres().await {
                        super::$name(test).await;
                    }
                }
            }
        )+
    };
}

on_both!(
    server_down_then_up,
    two_instances_send_each_message_once,
    a_slow_instance_leaves_taken_over_messages_alone,
);
