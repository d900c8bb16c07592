//! Who a campaign is for: creators by handle and by tier, minus those
//! excluded. A creator's tier is the one their profile names (`tier`), else
//! the highest of agency.toml's `[tiers]` whose followers threshold they
//! reach (`followers`). Pure functions of the campaign and the creator.

use super::Campaign;
use crate::diag::{did_you_mean, Diagnostic};
use crate::model::Site;
use crate::report::config::TiersInput;
use crate::report::money::Amount;

/// The creator's tier, or an error when the profile names a tier
/// agency.toml does not define.
pub fn tier_of(site: &Site, tiers: Option<&TiersInput>) -> Result<Option<String>, Diagnostic> {
    if let Some(t) = &site.tier {
        let name = t.value.trim();
        return match tiers {
            Some(ts) if ts.has(name) => Ok(Some(name.to_string())),
            Some(ts) => {
                let names: Vec<&str> = ts.tiers.iter().map(|t| t.name.as_str()).collect();
                let help = match did_you_mean(name, names.iter().copied()) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("the tiers of agency.toml are: {}", names.join(", ")),
                };
                Err(Diagnostic::error(format!(
                    "the tier \"{name}\" is not defined in agency.toml's [tiers]"
                ))
                .at(t.loc.clone())
                .help(help))
            }
            None => Err(Diagnostic::error(format!(
                "the profile names the tier \"{name}\", but agency.toml has no [tiers]"
            ))
            .at(t.loc.clone())
            .help("define the tiers in agency.toml ([tiers] nano = 1000, micro = 10000, …), or remove `tier`")),
        };
    }
    let (Some(f), Some(ts)) = (&site.followers, tiers) else {
        return Ok(None);
    };
    let Some(followers) = i64::try_from(f.value).ok().and_then(Amount::from_units) else {
        return Ok(None);
    };
    Ok(ts
        .followers_ladder()
        .iter()
        .rev()
        .find(|(_, threshold)| followers >= *threshold)
        .map(|(name, _)| name.clone()))
}

/// Whether the campaign targets the creator `handle` of tier `tier`.
pub fn targets(c: &Campaign, handle: &str, tier: Option<&str>) -> bool {
    let named = c.creators.iter().any(|h| h.value == handle);
    let by_tier = tier.is_some_and(|t| c.tiers.iter().any(|x| x.value == t));
    let excluded = c.exclude.iter().any(|h| h.value == handle);
    (named || by_tier) && !excluded
}
