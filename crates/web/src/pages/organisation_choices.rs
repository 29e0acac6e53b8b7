//! The organisations a page offers to choose from: staff any (at most 1000), customer and
//! partner users those of their own memberships whose rights fit the page.

use supportweb_domain::Actor;
use supportweb_domain::membership::MembershipRights;

use crate::error::AppError;
use crate::pages::Choice;
use crate::state::AppState;

/// The organisations `actor` may choose: every one for staff (the page has checked their
/// role), for others those memberships whose rights `fits`, by the actor's own access.
pub(crate) async fn organisation_choices(
    state: &AppState,
    actor: &Actor,
    fits: impl Fn(&MembershipRights) -> bool,
) -> Result<Vec<Choice>, AppError> {
    let choice = |id: String, name: String| Choice {
        value: id,
        label: name,
    };
    if actor.is_staff() {
        return Ok(state
            .store()
            .organisations(actor, None, 1000)
            .await?
            .into_iter()
            .map(|o| choice(o.id.to_string(), o.name))
            .collect());
    }
    let mut out = Vec::new();
    for m in actor.memberships.iter().filter(|m| fits(&m.rights)) {
        let o = state.store().organisation(actor, m.organisation_id).await?;
        out.push(choice(o.id.to_string(), o.name));
    }
    Ok(out)
}
