-- mod_e2e_vouch: the home server vouches for its users' device keys (VOUCH-ES256-PLUS,
-- docs/mechanisms/vouch.md "Prosody module"). A real module, for production servers.
--
-- Over the authenticated client-to-server connection, a user sends the public P-256 key (JWK)
-- of one of its devices and a device id; the module answers with a statement, a compact JWS
-- (JWT, ES256) signed with the domain's issuer key:
--   header {"alg":"ES256","kid":KID,"typ":"vouch+jwt"}
--   claims {"cnf":{"jwk":DEVICE-KEY},"device_id":ID,"exp":NOW+LIFETIME,"iat":NOW,
--           "iss":HOST,"sub":BARE-JID}
-- sub is always the session's authenticated bare JID and iss this host: nothing in the request
-- names them. The domain's public JWKS is served to anybody (IQ get).
--
--   <iq type='set' to='HOST' id='v1'>
--     <statement xmlns='urn:e2esasl:vouch:0' device-id='phone-1'><jwk>{"kty":"EC",...}</jwk></statement>
--   </iq>
--   -> <iq type='result' from='HOST' id='v1'><statement xmlns='urn:e2esasl:vouch:0'>eyJ...</statement></iq>
--   <iq type='get' to='HOST' id='v2'><jwks xmlns='urn:e2esasl:vouch:0'/></iq>
--   -> <iq type='result' from='HOST' id='v2'><jwks xmlns='urn:e2esasl:vouch:0'>{"keys":[...]}</jwks></iq>
--
-- Errors: bad-request (modify) for a missing or malformed device key, a key not on P-256, a
-- private key, a bad device id; not-authorized (auth) for a session that has not authenticated
-- (or is not a client of this host); internal-server-error (wait) when the domain key cannot be
-- read or used (logged once per distinct reason; the file is read again on the next request).
--
-- Configuration (per VirtualHost or global):
--   e2esasl_vouch_key_file = "/etc/prosody/vouch/example.org.jwk"  -- private JWK, required
--                                       (e2esasl-vouch keygen; readable by the prosody user only)
--   e2esasl_vouch_lifetime = 3600       -- seconds, 1..86400 (statement exp - iat)
--   e2esasl_vouch_kid = nil             -- default: the key file's kid (its RFC 7638 thumbprint)
--
-- ES256 (RFC 7518 section 3.4) with lua-luaossl: OpenSSL's ECDSA gives a DER
-- ECDSA-Sig-Value, which JWS wants as R || S, 32 bytes each.

local st = require "util.stanza";
local json = require "util.json";
local encodings = require "util.encodings";
local pkey = require "openssl.pkey";
local digest = require "openssl.digest";

local xmlns_vouch = "urn:e2esasl:vouch:0";
local kMaxJwkSize = 1024;         -- bytes of the <jwk/> text
local kMaxKeyFileSize = 64 * 1024;
local kMaxDeviceIdSize = 128;     -- as the verifier (plugins/vouch/statement.h)
local kMaxSubjectSize = 1024;
local kMaxLifetime = 86400;       -- a verifier refuses longer statements by default

local key_file = module:get_option_string("e2esasl_vouch_key_file");
local lifetime = module:get_option_number("e2esasl_vouch_lifetime", 3600);
local kid_option = module:get_option_string("e2esasl_vouch_kid");

if lifetime ~= math.floor(lifetime) or lifetime < 1 or lifetime > kMaxLifetime then
	error("mod_e2e_vouch: e2esasl_vouch_lifetime must be a whole number of seconds, 1.."
		.. kMaxLifetime);
end
lifetime = math.tointeger(lifetime);
if kid_option ~= nil and (#kid_option == 0 or #kid_option > 128 or kid_option:find("[^%w%-_%.]")) then
	error("mod_e2e_vouch: e2esasl_vouch_kid must be 1..128 characters of A-Z a-z 0-9 - _ .");
end

-- base64url without padding (RFC 7515 section 2).
local to_url = { ["+"] = "-"; ["/"] = "_" };
local from_url = { ["-"] = "+"; ["_"] = "/" };
local function b64url(data)
	return (encodings.base64.encode(data):gsub("[+/]", to_url):gsub("=+$", ""));
end
-- unb64url: nil unless text is canonical unpadded base64url (re-encoding gives it back).
local function unb64url(text)
	if type(text) ~= "string" or text:find("[^%w%-_]") or #text % 4 == 1 then
		return nil;
	end
	local padded = text:gsub("[-_]", from_url) .. string.rep("=", (4 - #text % 4) % 4);
	local data = encodings.base64.decode(padded);
	if not data or b64url(data) ~= text then
		return nil;
	end
	return data;
end

local function sha256(data)
	local d = digest.new("sha256");
	d:update(data);
	return d:final();
end

-- DER templates for P-256 keys (RFC 5480 SubjectPublicKeyInfo, RFC 5915 ECPrivateKey): only
-- the 32-byte values vary. OpenSSL checks that the point is on the curve when it decodes them.
local der_p256_oid = "\6\8\42\134\72\206\61\3\1\7";  -- 1.2.840.10045.3.1.7 (prime256v1)
local der_ec_oid = "\6\7\42\134\72\206\61\2\1";       -- 1.2.840.10045.2.1 (id-ecPublicKey)
local function spki_der(x, y)
	return "\48\89\48\19" .. der_ec_oid .. der_p256_oid .. "\3\66\0\4" .. x .. y;
end
local function ec_private_der(d, x, y)
	return "\48\119\2\1\1\4\32" .. d .. "\160\10" .. der_p256_oid .. "\161\68\3\66\0\4" .. x .. y;
end

-- load_der: the OpenSSL key of a DER blob, or nil (OpenSSL refused it: not on the curve ...).
local function load_der(der)
	local ok, key = pcall(pkey.new, der, "DER");
	if ok and key then
		return key;
	end
	return nil;
end

-- raw_signature: ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 section
-- 2.2.3) as R || S with each integer left-padded to 32 bytes (RFC 7518 section 3.4). nil when
-- der is not exactly that.
local function raw_signature(der)
	local function read_integer(pos)
		if der:byte(pos) ~= 2 then return nil; end
		local len = der:byte(pos + 1);
		if not len or len < 1 or len > 33 or pos + 1 + len > #der then return nil; end
		local value = der:sub(pos + 2, pos + 1 + len);
		value = value:gsub("^\0+", "");
		if #value > 32 then return nil; end
		return string.rep("\0", 32 - #value) .. value, pos + 2 + len;
	end
	if der:byte(1) ~= 48 or der:byte(2) ~= #der - 2 then
		return nil;
	end
	local r, after_r = read_integer(3);
	if not r then return nil; end
	local s, after_s = read_integer(after_r);
	if not s or after_s ~= #der + 1 then return nil; end
	return r .. s;
end

-- decode_json: the value of JSON text, or nil (util.json returns nil for most bad input; the
-- pcall covers the rest).
local function decode_json(text)
	local ok, value = pcall(json.decode, text);
	if ok then
		return value;
	end
	return nil;
end

-- p256_coordinates: {x, y (32 bytes each), x64, y64 (their base64url)} of a JWK table that is
-- an EC P-256 key, or nil and why.
local function p256_coordinates(jwk, private_allowed)
	if type(jwk) ~= "table" then
		return nil, "the key is not a JSON object";
	end
	if jwk.kty ~= "EC" then
		return nil, "the key's kty is not \"EC\"";
	end
	if jwk.crv ~= "P-256" then
		-- The curve's name is echoed only when it looks like one (no control characters).
		local named = type(jwk.crv) == "string" and #jwk.crv <= 16 and not jwk.crv:find("[^%w%-]");
		return nil, "the key is not on P-256 (crv " .. (named and jwk.crv or "missing or malformed") .. ")";
	end
	if jwk.d ~= nil and not private_allowed then
		return nil, "the key holds a private part (d): send the public key only";
	end
	if jwk.alg ~= nil and jwk.alg ~= "ES256" then
		return nil, "the key's alg is not \"ES256\"";
	end
	if jwk.use ~= nil and jwk.use ~= "sig" then
		return nil, "the key's use is not \"sig\"";
	end
	local x, y = unb64url(jwk.x), unb64url(jwk.y);
	if not x or not y or #x ~= 32 or #y ~= 32 then
		return nil, "the key's x and y must be 32 bytes in base64url";
	end
	return { x = x; y = y; x64 = jwk.x; y64 = jwk.y };
end

-- RFC 7638 section 3.2: the thumbprint of an EC key hashes exactly these members, in this order.
local function thumbprint(c)
	return b64url(sha256('{"crv":"P-256","kty":"EC","x":"' .. c.x64 .. '","y":"' .. c.y64 .. '"}'));
end

local function public_jwk_json(c, extra)
	return '{"kty":"EC","crv":"P-256","x":"' .. c.x64 .. '","y":"' .. c.y64 .. '"' .. (extra or "") .. '}';
end

-- The domain key: loaded on first use and kept; on failure nil, and the reason is logged once.
local domain = nil;       -- { key = pkey, kid = ..., jwks = ... }
local last_reason = nil;

local function read_domain_key()
	if not key_file then
		return nil, "e2esasl_vouch_key_file is not set";
	end
	local f, err = io.open(key_file, "rb");
	if not f then
		return nil, "cannot open the key file: " .. tostring(err);
	end
	local text = f:read(kMaxKeyFileSize + 1);
	f:close();
	if not text or #text > kMaxKeyFileSize then
		return nil, key_file .. " is empty or larger than " .. kMaxKeyFileSize .. " bytes";
	end
	local jwk = decode_json(text);
	local c, why = p256_coordinates(jwk, true);
	if not c then
		return nil, key_file .. " is not a P-256 private JWK: " .. why;
	end
	local d = unb64url(jwk.d);
	if not d or #d ~= 32 then
		return nil, key_file .. " is not a P-256 private JWK: d must be 32 bytes in base64url";
	end
	if jwk.e2esasl_domain ~= nil and jwk.e2esasl_domain ~= module.host then
		return nil, key_file .. " is the key of " .. tostring(jwk.e2esasl_domain) .. ", not of " .. module.host;
	end
	local key = load_der(ec_private_der(d, c.x, c.y));
	d = nil; -- luacheck: ignore 311 (Lua strings cannot be wiped; the reference at least goes)
	local public = load_der(spki_der(c.x, c.y));
	if not key or not public then
		return nil, key_file .. ": OpenSSL refused the key (not a valid P-256 key pair)";
	end
	-- The private key must belong to the public x, y the statements' verifiers will use.
	local probe = digest.new("sha256");
	probe:update("mod_e2e_vouch key check");
	local check = digest.new("sha256");
	check:update("mod_e2e_vouch key check");
	local ok, verified = pcall(function() return public:verify(key:sign(probe), check); end);
	if not ok or not verified then
		return nil, key_file .. ": d does not belong to x and y";
	end
	local kid = kid_option or (type(jwk.kid) == "string" and jwk.kid ~= "" and jwk.kid) or thumbprint(c);
	return {
		key = key;
		kid = kid;
		jwks = '{"keys":[' .. public_jwk_json(c, ',"kid":' .. json.encode(kid) .. ',"alg":"ES256","use":"sig"') .. ']}';
	};
end

local function domain_key()
	if domain then
		return domain;
	end
	local loaded, reason = read_domain_key();
	if loaded then
		domain, last_reason = loaded, nil;
		module:log("info", "issuing statements with the key %s (kid %s), lifetime %d s", key_file, loaded.kid, lifetime);
		return domain;
	end
	if reason ~= last_reason then
		module:log("error", "cannot issue statements: %s", reason);
		last_reason = reason;
	end
	return nil;
end

-- sign_es256: the compact JWS of header and claims (JSON text), or nil.
local function sign_es256(key, header, claims)
	local signing_input = b64url(header) .. "." .. b64url(claims);
	local d = digest.new("sha256");
	d:update(signing_input);
	local ok, der = pcall(key.sign, key, d);
	local raw = ok and der and raw_signature(der);
	if not raw then
		return nil;
	end
	return signing_input .. "." .. b64url(raw);
end

-- device_id_valid: 1..128 printable ASCII characters, no space (the verifier's rule).
local function device_id_valid(id)
	return type(id) == "string" and #id >= 1 and #id <= kMaxDeviceIdSize and not id:find("[^\33-\126]");
end

local function bad_request(origin, stanza, text)
	origin.send(st.error_reply(stanza, "modify", "bad-request", text));
	return true;
end

module:hook("iq-set/host/" .. xmlns_vouch .. ":statement", function(event)
	local origin, stanza = event.origin, event.stanza;
	-- Only a client of this host that has authenticated gets a statement, and only for itself.
	if origin.type ~= "c2s" or not origin.username or origin.host ~= module.host then
		origin.send(st.error_reply(stanza, "auth", "not-authorized",
			"statements are issued to the host's own authenticated clients only"));
		return true;
	end
	local request = stanza.tags[1];
	local device_id = request.attr["device-id"];
	if not device_id_valid(device_id) then
		return bad_request(origin, stanza, "device-id must be 1 to " .. kMaxDeviceIdSize .. " printable ASCII characters");
	end
	local jwk_element = request:get_child("jwk", xmlns_vouch);
	if not jwk_element then
		return bad_request(origin, stanza, "no <jwk/>: the device's P-256 public key is missing");
	end
	local jwk_text = jwk_element:get_text(); -- nil when <jwk/> holds elements
	if not jwk_text or #jwk_text == 0 or #jwk_text > kMaxJwkSize then
		return bad_request(origin, stanza, "the <jwk/> text must be 1 to " .. kMaxJwkSize .. " bytes of JSON");
	end
	local jwk = decode_json(jwk_text);
	local c, why = p256_coordinates(jwk, false);
	if not c then
		return bad_request(origin, stanza, why);
	end
	if not load_der(spki_der(c.x, c.y)) then
		return bad_request(origin, stanza, "the key is not a point on P-256");
	end
	local subject = origin.username .. "@" .. module.host;
	if #subject > kMaxSubjectSize then
		return bad_request(origin, stanza, "the account's JID is too long for a statement");
	end
	local issuer = domain_key();
	if not issuer then
		origin.send(st.error_reply(stanza, "wait", "internal-server-error", "the domain key is not available"));
		return true;
	end
	local now = os.time();
	local header = '{"alg":"ES256","kid":' .. json.encode(issuer.kid) .. ',"typ":"vouch+jwt"}';
	local claims = '{"cnf":{"jwk":' .. public_jwk_json(c) .. '},"device_id":' .. json.encode(device_id)
		.. string.format(',"exp":%d,"iat":%d', now + lifetime, now)
		.. ',"iss":' .. json.encode(module.host) .. ',"sub":' .. json.encode(subject) .. '}';
	local token = sign_es256(issuer.key, header, claims);
	if not token then
		module:log("error", "signing a statement failed (OpenSSL)");
		origin.send(st.error_reply(stanza, "wait", "internal-server-error", "signing failed"));
		return true;
	end
	module:log("info", "vouched for device %s of %s (key %s, exp %d)", device_id, subject, thumbprint(c), now + lifetime);
	origin.send(st.reply(stanza):text_tag("statement", token, { xmlns = xmlns_vouch }));
	return true;
end);

module:hook("iq-get/host/" .. xmlns_vouch .. ":jwks", function(event)
	local origin, stanza = event.origin, event.stanza;
	local issuer = domain_key();
	if not issuer then
		origin.send(st.error_reply(stanza, "wait", "internal-server-error", "the domain key is not available"));
		return true;
	end
	origin.send(st.reply(stanza):text_tag("jwks", issuer.jwks, { xmlns = xmlns_vouch }));
	return true;
end);

-- A stream that has not authenticated: Prosody's router fires stanza/iq/<ns>:<name> for its
-- stanzas (no iq-set/host event); without this hook it would answer service-unavailable.
module:hook("stanza/iq/" .. xmlns_vouch .. ":statement", function(event)
	local origin, stanza = event.origin, event.stanza;
	if stanza.attr.type == "set" or stanza.attr.type == "get" then
		origin.send(st.error_reply(stanza, "auth", "not-authorized", "authenticate first"));
	end
	return true;
end);

module:add_feature(xmlns_vouch);
domain_key();
