-- mod_e2e_compromise: a compromised server, the man in the middle of the e2esasl XMPP demo
-- (docs/xmpp.md, "Running a sandbox Prosody"). For testing only: never load it on a real server.
--
-- Configuration (global or per VirtualHost):
--   e2e_compromise_mallory = "mallory@localhost/m"                    -- full JID
--   e2e_compromise_victims = { "alice@localhost"; "bob@localhost" }   -- two bare JIDs
--
-- (a) An <iq/> or <message/> from one victim (any resource) addressed to the other victim (bare
--     or full JID) is delivered to mallory's full JID instead; its `from` is left alone, so
--     mallory sees who sent it. The module remembers who last talked to whom, both ways.
-- (b) A stanza from mallory's full JID to a victim's full JID X gets `from` set to the other
--     victim's JID that X is paired with (the peer X last addressed, or that last addressed X);
--     inside <jingle xmlns='urn:xmpp:jingle:1'/>, `initiator` and `responder` equal to mallory's
--     (full or bare) JID get that JID too. X then believes the other victim sent it.
-- While mallory is offline, (a) stanzas are dropped (an IQ get/set gets service-unavailable
-- from its `to`, as for an unreachable recipient). Everything else (presence, stanzas to or from
-- anybody else, mallory's stanzas to a victim's bare JID or to one not paired yet) passes
-- untouched.
--
-- Hook: "pre-stanza" on the host. Prosody 0.12's core_post_stanza (core/stanza_router.lua)
-- fires it for stanzas that arrive on a client (c2s) connection only, after `from` was stamped
-- with the sender's full JID and `to` was normalised, and before any routing event: nothing has
-- been delivered yet and no other module has seen the stanza. Redirected stanzas (a) are
-- re-posted with module:send (core_post_stanza without the c2s pre-events), because the routing
-- event name (iq/bare vs iq/full) was already computed from the original `to`; the original is
-- then dropped by returning true. Forged stanzas (b) keep their `to`, so they continue on the
-- normal path after `from` is rewritten in place.

local jid = require "util.jid";
local st = require "util.stanza";

local full_sessions = prosody.full_sessions;

local jingle_xmlns = "urn:xmpp:jingle:1";

local mallory = jid.prep(module:get_option_string("e2e_compromise_mallory"));
local victims_option = module:get_option_array("e2e_compromise_victims", {});
if not mallory or not jid.resource(mallory) then
	error("mod_e2e_compromise: e2e_compromise_mallory must be a full JID");
end
if #victims_option ~= 2 then
	error("mod_e2e_compromise: e2e_compromise_victims must hold exactly two bare JIDs");
end
local victim1, victim2 = jid.prep(victims_option[1]), jid.prep(victims_option[2]);
if not victim1 or not victim2 or jid.resource(victim1) or jid.resource(victim2) or victim1 == victim2 then
	error("mod_e2e_compromise: e2e_compromise_victims must be two different bare JIDs");
end
local mallory_bare = jid.bare(mallory);

-- other_victim[bare]: the other victim of a victim's bare JID.
local other_victim = { [victim1] = victim2; [victim2] = victim1 };

-- peer_of[full JID of a victim]: the other victim's JID (full, or bare when it was addressed
-- bare) this resource last talked with, in either direction.
local peer_of = {};
-- last_caller_of[bare JID of a victim]: the full JID of the other victim that last addressed
-- this victim's bare JID (its resource was not known then).
local last_caller_of = {};

local function remember(from_full, to)
	-- A bare `to` does not replace a full JID of the same victim already known.
	local known = peer_of[from_full];
	if jid.resource(to) or not known or jid.bare(known) ~= to then
		peer_of[from_full] = to;
	end
	if jid.resource(to) then
		peer_of[to] = from_full;
	else
		last_caller_of[to] = from_full;
	end
end

-- forged_from(X): the JID mallory's stanza to victim resource X must seem to come from.
local function forged_from(to_full)
	local peer = peer_of[to_full] or last_caller_of[jid.bare(to_full)];
	if peer and jid.bare(peer) == other_victim[jid.bare(to_full)] then
		return peer;
	end
	return nil;
end

local function rewrite_jingle(stanza, forged)
	for jingle in stanza:childtags("jingle", jingle_xmlns) do
		for _, name in ipairs({ "initiator", "responder" }) do
			local value = jingle.attr[name];
			if value and (jid.prep(value) == mallory or jid.prep(value) == mallory_bare) then
				module:log("debug", "forging jingle %s %s -> %s", name, value, forged);
				jingle.attr[name] = forged;
			end
		end
	end
end

module:hook("pre-stanza", function(event)
	local origin, stanza = event.origin, event.stanza;
	local name = stanza.name;
	if stanza.attr.xmlns ~= nil or (name ~= "iq" and name ~= "message") then
		return nil;
	end
	local from, to = stanza.attr.from or origin.full_jid, stanza.attr.to;
	if not from or not to then
		return nil;
	end
	local from_bare, to_bare = jid.bare(from), jid.bare(to);

	-- (a) victim -> other victim: to mallory instead.
	if other_victim[from_bare] and other_victim[from_bare] == to_bare then
		if not full_sessions[mallory] then
			-- Nobody to redirect to: the stanza vanishes as if the victim were unreachable
			-- (an error from its `to`, never from mallory's JID).
			module:log("debug", "mallory (%s) is offline: dropping %s from %s to %s", mallory,
				name, from, to);
			if name == "iq" and (stanza.attr.type == "get" or stanza.attr.type == "set") then
				origin.send(st.error_reply(stanza, "cancel", "service-unavailable"));
			end
			event.reason = "dropped by mod_e2e_compromise (mallory offline)";
			return true;
		end
		remember(from, to);
		module:log("debug", "redirecting %s %s from %s to %s -> %s", name,
			stanza.attr.type or "", from, to, mallory);
		stanza.attr.to = mallory;
		module:send(stanza, origin);
		event.reason = "redirected to " .. mallory .. " by mod_e2e_compromise";
		return true;
	end

	-- (b) mallory -> a paired victim resource: from the other victim.
	if from == mallory and other_victim[to_bare] and jid.resource(to) then
		local forged = forged_from(to);
		if forged then
			module:log("debug", "forging %s %s from %s to %s as from %s", name,
				stanza.attr.type or "", from, to, forged);
			stanza.attr.from = forged;
			rewrite_jingle(stanza, forged);
		end
	end
	return nil;
end, 1000);

module:log("info", "compromised: stanzas between %s and %s go to %s", victim1, victim2, mallory);
