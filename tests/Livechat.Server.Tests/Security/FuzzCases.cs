using System.Text;
using System.Text.Json.Nodes;

namespace Livechat.Server.Tests.Security;

/// <summary>
/// One malformed request. <see cref="MustReject"/> marks input that no endpoint may accept (broken JSON, a non-JSON
/// body, an oversized body, bad credentials…); the other mutations may be valid under the contract's coercion rules
/// (a number where a string is expected becomes its text) and are then allowed to succeed.
/// </summary>
public sealed record FuzzCase(string Endpoint, string Kind, HttpMethod Method, string Path, Role Role, Func<byte[]>? Body, string? ContentType,
    bool MustReject, (string Name, string Value)[]? Headers = null)
{
    /// <summary>Text of the input that a refusal must not quote (errors quote at most a short prefix).</summary>
    public string? Echo { get; init; }
}

/// <summary>
/// The deterministic generator: every <see cref="PermissionMatrix"/> row's request (as the admin, or as the visitor
/// for visitor-token endpoints) mutated at every position, plus structural breakage, from a fixed seed.
/// </summary>
public static class FuzzCases
{
    public const int Seed = 20_250_608;

    /// <summary>A string one byte past the 1 MiB body limit once it is in any body.</summary>
    public const int OversizedLength = 1024 * 1024 + 1;

    public static List<FuzzCase> Generate(MatrixWorld world)
    {
        var random = new Random(Seed);
        var cases = new List<FuzzCase>();
        foreach (var row in PermissionMatrix.Rows.Where(r => r.NoFuzz is null))
        {
            var role = row.Cells[(int)Role.Visitor] != row.Cells[(int)Role.Anonymous] ? Role.Visitor : Role.Admin;
            var method = row.Method == "*" ? HttpMethod.Get : new HttpMethod(row.Method);
            var path = world.Resolve(row.Path, role);
            var body = row.Body is null ? null : world.Resolve(row.Body, role);
            var add = (string kind, HttpMethod m, string p, Func<byte[]>? b, string? type, bool must, (string, string)[]? headers) =>
                cases.Add(new FuzzCase(row.Key, kind, m, p, role, b, type, must, headers));

            if (body is not null)
            {
                BodyCases(body, random, (kind, bytes, type, must, echo) => cases.Add(new FuzzCase(row.Key, kind, method, path, role, bytes, type, must)
                {
                    // Anyone can send these: what they answer is bounded too.
                    Echo = row.Cells[(int)Role.Anonymous] == "401" ? null : echo,
                }));
            }
            else if (method == HttpMethod.Get || method == HttpMethod.Delete)
            {
                // A body on a request that takes none is ignored, whatever it holds.
                add("ignored body", method, path, () => Encoding.UTF8.GetBytes("{\"broken\":"), "application/json", false, null);
            }
            QueryCases(path, random, (kind, p) => add(kind, method, p, Bytes(body), JsonType(body), false, null));
            PathCases(row.Route, world.Resolve(row.Path, role), (kind, p) => add(kind, method, p, Bytes(body), JsonType(body), false, null));
            if (role == Role.Admin && row.Cells[(int)Role.Anonymous] == "401")
            {
                foreach (var (kind, headers) in BadCredentials(world))
                {
                    cases.Add(new FuzzCase(row.Key, kind, method, path, Role.Anonymous, Bytes(body), JsonType(body), true, headers));
                }
            }
            if (row.Method != "*")
            {
                cases.Add(new FuzzCase(row.Key, "unmapped method", HttpMethod.Patch, path, role, Bytes(body), JsonType(body), true));
            }
        }
        cases.AddRange(OverTheCap(world, random));
        cases.AddRange(BoundaryCases(world));
        return cases;
    }

    /// <summary>
    /// The free-text fields a visitor (or anyone) sends, each one character over its cap and 10 000 characters long: always
    /// refused, with an error that quotes no more than a prefix of the value.
    /// </summary>
    static IEnumerable<FuzzCase> OverTheCap(MatrixWorld world, Random random)
    {
        var visitor = new JsonObject { ["token"] = world.VisitorToken };
        var offline = new JsonObject { ["name"] = "Matrix", ["email"] = "matrix@example.com", ["message"] = "hello", ["department"] = "", ["host"] = "example.com" };
        var saveInfo = new JsonObject { ["guestData"] = new JsonObject { ["_id"] = world.VisitorId }, ["roomData"] = new JsonObject { ["_id"] = world.RoomId } };
        var capped = new (string Endpoint, string Path, Role Role, JsonObject Template, Func<JsonObject, JsonObject> Field, string Name, int Max)[]
        {
            ("POST /api/v1/livechat/visitor", "/api/v1/livechat/visitor", Role.Visitor, new JsonObject { ["visitor"] = visitor.DeepClone() }, b => b["visitor"]!.AsObject(), "name", 100),
            // Not an address at all: the error names the value, and quotes only its start.
            ("POST /api/v1/livechat/visitor", "/api/v1/livechat/visitor", Role.Visitor, new JsonObject { ["visitor"] = visitor.DeepClone() }, b => b["visitor"]!.AsObject(), "phone", 1024),
            ("POST /api/v1/livechat/offline.message", "/api/v1/livechat/offline.message", Role.Visitor, offline, b => b, "name", 100),
            ("POST /api/v1/livechat/offline.message", "/api/v1/livechat/offline.message", Role.Visitor, offline, b => b, "email", 254),
            ("POST /api/v1/livechat/offline.message", "/api/v1/livechat/offline.message", Role.Visitor, offline, b => b, "message", 5000),
            ("POST /api/v1/livechat/offline.message", "/api/v1/livechat/offline.message", Role.Visitor, offline, b => b, "department", 255),
            ("POST /api/v1/livechat/offline.message", "/api/v1/livechat/offline.message", Role.Visitor, offline, b => b, "host", 255),
            ("POST /api/v1/livechat/room.saveInfo", "/api/v1/livechat/room.saveInfo", Role.Admin, saveInfo, b => b["guestData"]!.AsObject(), "name", 100),
        };
        foreach (var (endpoint, path, role, template, field, name, max) in capped)
        {
            if (name == "phone")
            {
                var junk = RandomText(random, 10_000);
                var withEmail = template.DeepClone().AsObject();
                field(withEmail)["email"] = junk;
                var emailText = withEmail.ToJsonString();
                yield return new FuzzCase(endpoint, "10k email that is no address", HttpMethod.Post, path, role, () => Encoding.UTF8.GetBytes(emailText),
                    "application/json", true)
                { Echo = junk[..60] };
            }
            foreach (var (kind, value) in new[] { ($"{name} over its cap of {max}", new string('y', max + 1)), ($"10k {name}", RandomText(random, 10_000)) })
            {
                var body = template.DeepClone().AsObject();
                // An address stays an address, so only its length is wrong.
                field(body)[name] = name == "email" ? value[..^"@example.com".Length] + "@example.com" : value;
                var text = body.ToJsonString();
                yield return new FuzzCase(endpoint, kind, HttpMethod.Post, path, role, () => Encoding.UTF8.GetBytes(text), "application/json", true)
                {
                    Echo = value[..60],
                };
            }
        }
    }

    /// <summary>Patterns that backtrack exponentially: refused when an admin saves them.</summary>
    static readonly string[] NestedQuantifiers = ["(a+)+", "(a*)*b", "^(\\w+\\s?)*$", "((ab)+){2,}", "(?:x+y?)+$", "(a|aa(b+)){3,}"];

    /// <summary>
    /// Requests past a security boundary (issue 14): each must be refused, whatever else it holds. Another department's
    /// queue, the manager role from a monitor, an alias without message-impersonate, nested-quantifier patterns, and
    /// failed logins that claim another address through forwarding headers (30 KB of them).
    /// </summary>
    static IEnumerable<FuzzCase> BoundaryCases(MatrixWorld world)
    {
        FuzzCase Case(string endpoint, string kind, HttpMethod method, string path, Role role, string? body, (string, string)[]? headers = null) =>
            new(endpoint, kind, method, path, role, Bytes(body), JsonType(body), true, headers);

        foreach (var role in new[] { Role.AgentNotServing, Role.Monitor, Role.Manager, Role.Admin })
        {
            yield return Case("GET /api/v1/livechat/inquiries.queued", "another department's queue", HttpMethod.Get,
                $"/api/v1/livechat/inquiries.queued?department={world.DepartmentId}", role, null);
        }
        var monitor = world.Users[Role.Monitor].Username;
        yield return Case("POST /api/v1/livechat/users/{type}", "self-promotion to manager", HttpMethod.Post, "/api/v1/livechat/users/manager",
            Role.Monitor, $$"""{"username":"{{monitor}}"}""");
        yield return Case("DELETE /api/v1/livechat/users/{type}/{_id}", "demoting a manager", HttpMethod.Delete,
            $"/api/v1/livechat/users/manager/{world.Users[Role.Manager].Id}", Role.Monitor, null);
        foreach (var field in new[] { "alias", "avatar" })
        {
            yield return Case("POST /api/v1/chat.sendMessage", $"{field} without message-impersonate", HttpMethod.Post, "/api/v1/chat.sendMessage",
                Role.AgentServing, $$$"""{"message":{"rid":"{{{world.RoomId}}}","msg":"impersonated","{{{field}}}":"The CEO"}}""");
        }
        foreach (var pattern in NestedQuantifiers)
        {
            var regexp = System.Text.Json.JsonSerializer.Serialize(pattern);
            yield return Case("POST /api/v1/livechat/custom-fields.save", $"nested quantifier {pattern}", HttpMethod.Post,
                "/api/v1/livechat/custom-fields.save", Role.Admin,
                $$$"""{"customFieldData":{"field":"fuzzNested","label":"L","scope":"visitor","visibility":"visible","regexp":{{{regexp}}}}}""");
        }
        var admin = world.Users[Role.Admin].Username;
        foreach (var header in new[] { "X-Forwarded-For", "X-Real-IP", "Forwarded" })
        {
            yield return Case("POST /api/v1/login", $"failed login claiming another address ({header})", HttpMethod.Post, "/api/v1/login",
                Role.Anonymous, $$"""{"user":"{{admin}}","password":"wrong"}""", [(header, "203.0.113.9, " + new string('9', 30_000))]);
        }
    }

    static Func<byte[]>? Bytes(string? body) => body is null ? null : () => Encoding.UTF8.GetBytes(body);

    static Func<byte[]> Bytes(Func<string> text) => () => Encoding.UTF8.GetBytes(text());

    static string? JsonType(string? body) => body is null ? null : "application/json";

    delegate void AddBody(string kind, Func<byte[]> body, string? contentType, bool mustReject, string? echo = null);

    static readonly string[] BrokenJson =
    [
        "{", "}", "[", "{\"a\":", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "[1,2", "nul", "tru", "NaN", "Infinity", "-", "{\"a\":01}",
        "\"unterminated", "{\"a\":1}{\"b\":2}", "{\"a\":\"\\uZZZZ\"}", "{\"a\":\"\\x41\"}", "{\"a\":\"line\nbreak\"}", "\u0000", "{\"a\":1}\u0000",
        "/* comment */ {}", "{\"a\":1e}", "{\"a\":.5}", "{\"a\":+1}", "{\"a\":0x10}", "{,}", "{\"a\"::1}", "[,]", "\uFEFF{\"a\":1}}",
    ];

    static readonly string[] OddContentTypes =
    [
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/json",
        "application/octet-stream", "image/png", "application/javascript",
    ];

    static void BodyCases(string template, Random random, AddBody add)
    {
        var utf8 = Bytes(() => template);
        foreach (var broken in BrokenJson)
        {
            add("invalid JSON", Bytes(() => broken), "application/json", true);
        }
        foreach (var bad in InvalidUtf8(template, random))
        {
            add("invalid UTF-8", () => bad, "application/json", true);
        }
        foreach (var other in new[] { "null", "true", "1", "-1.5", "\"text\"", "[]", $"[{template}]", "[[[]]]" })
        {
            add("root type", Bytes(() => other), "application/json", true);
        }
        foreach (var type in OddContentTypes)
        {
            add("content type", utf8, type, true);
        }
        add("no content type", utf8, null, true);
        add("nesting beyond 64", Bytes(() => new string('[', 200) + new string(']', 200)), "application/json", true);
        add("nesting beyond 64", Bytes(() => string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100)), "application/json", true);
        // JavaScript's JSON.parse keeps the last of repeated keys, and so does the server.
        add("duplicate keys", Bytes(() => DuplicateFirstKey(template)), "application/json", false);

        var root = JsonNode.Parse(template)!;
        foreach (var (position, replace) in Positions(root))
        {
            foreach (var (kind, value, must) in Replacements(random))
            {
                // The 10k string's first 60 characters: more than an error may quote of it.
                add($"{kind} at {position}", Bytes(() => replace(value())), "application/json", must, kind == "10k string" ? value()[1..61] : null);
            }
        }
        foreach (var (position, text) in Removals(root))
        {
            add($"missing {position}", Bytes(() => text), "application/json", false);
        }
        foreach (var (position, text) in Extras(root))
        {
            add($"extra field in {position}", Bytes(() => text), "application/json", false);
        }
    }

    /// <summary>Values put at each position of a body, as raw JSON text (some are not expressible as .NET values).</summary>
    static IEnumerable<(string Kind, Func<string> Json, bool MustReject)> Replacements(Random random)
    {
        yield return ("null", () => "null", false);
        yield return ("true", () => "true", false);
        yield return ("false", () => "false", false);
        yield return ("zero", () => "0", false);
        yield return ("negative", () => "-1", false);
        yield return ("fraction", () => "3.5", false);
        yield return ("huge number", () => "1e308", false);
        yield return ("out-of-range number", () => "1e400", false);
        yield return ("big integer", () => "123456789012345678901234567890", false);
        yield return ("empty string", () => "\"\"", false);
        yield return ("blank string", () => "\"   \"", false);
        yield return ("numeric string", () => "\"-0.0\"", false);
        yield return ("NUL", () => "\"\\u0000\"", false);
        yield return ("lone surrogate", () => "\"\\ud800\"", false);
        yield return ("emoji", () => "\"💥🔥 ünïcödé 中文\"", false);
        yield return ("markup", () => "\"<script>alert(1)</script>\"", false);
        yield return ("SQL", () => "\"'; DROP TABLE rooms; --\"", false);
        yield return ("regex", () => "\"(a+)+$\"", false);
        yield return ("path", () => "\"../../../etc/passwd\"", false);
        yield return ("control characters", () => "\"\\b\\f\\n\\r\\t\\u001b\"", false);
        var text = RandomText(random, 10_000);
        yield return ("10k string", () => $"\"{text}\"", false);
        yield return ("1 MiB string", () => $"\"{new string('x', OversizedLength)}\"", true);
        yield return ("empty array", () => "[]", false);
        yield return ("array of null", () => "[null]", false);
        yield return ("nested arrays", () => "[[[1]]]", false);
        yield return ("empty object", () => "{}", false);
        yield return ("operator object", () => "{\"$ne\":null}", false);
        yield return ("prototype object", () => "{\"__proto__\":{\"admin\":true}}", false);
        yield return ("deep nesting", () => string.Concat(Enumerable.Repeat("[", 40)) + string.Concat(Enumerable.Repeat("]", 40)), false);
        yield return ("huge array", () => "[" + string.Join(",", Enumerable.Repeat("0", 100_000)) + "]", false);
        yield return ("array of strings", () => "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"s{i}\"")) + "]", false);
    }

    /// <summary>Every value position of the template (the root excepted): a path and a function writing another value there.</summary>
    static IEnumerable<(string Position, Func<string, string> Replace)> Positions(JsonNode root)
    {
        foreach (var (path, _) in Walk(root, "$").Skip(1))
        {
            yield return (path, value =>
            {
                var copy = root.DeepClone();
                var marker = $"fuzz-marker-{Guid.NewGuid():N}";
                Set(copy, path, JsonValue.Create(marker));
                return copy.ToJsonString().Replace($"\"{marker}\"", value, StringComparison.Ordinal);
            }
            );
        }
    }

    static IEnumerable<(string Position, string Text)> Removals(JsonNode root)
    {
        foreach (var (path, node) in Walk(root, "$").Skip(1))
        {
            if (node?.Parent is not JsonObject) continue;
            var copy = root.DeepClone();
            Remove(copy, path);
            yield return (path, copy.ToJsonString());
        }
    }

    static IEnumerable<(string Position, string Text)> Extras(JsonNode root)
    {
        foreach (var (path, node) in Walk(root, "$"))
        {
            if (node is not JsonObject) continue;
            foreach (var (name, value) in new (string, JsonNode?)[] { ("extra", 1), ("$where", "1 == 1"), ("__proto__", new JsonObject { ["admin"] = true }) })
            {
                var copy = root.DeepClone();
                ((JsonObject)Find(copy, path)!)[name] = value?.DeepClone();
                yield return (path, copy.ToJsonString());
            }
        }
    }

    /// <summary>Paths are <c>$</c>, <c>$.key</c>, <c>$.key[0]</c>; arrays contribute their first item.</summary>
    static IEnumerable<(string Path, JsonNode? Node)> Walk(JsonNode? node, string path)
    {
        yield return (path, node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    foreach (var inner in Walk(child, $"{path}.{key}")) yield return inner;
                }
                break;
            case JsonArray { Count: > 0 } array:
                foreach (var inner in Walk(array[0], $"{path}[0]")) yield return inner;
                break;
        }
    }

    static IEnumerable<string> Steps(string path) =>
        path[1..].Replace("[0]", ".[0]", StringComparison.Ordinal).Split('.', StringSplitOptions.RemoveEmptyEntries);

    static JsonNode? Find(JsonNode root, string path)
    {
        var node = root;
        foreach (var step in Steps(path))
        {
            node = step == "[0]" ? node!.AsArray()[0] : node!.AsObject()[step];
        }
        return node;
    }

    static void Set(JsonNode root, string path, JsonNode value)
    {
        var steps = Steps(path).ToList();
        var parent = Find(root, "$" + string.Concat(steps.Take(steps.Count - 1).Select(s => s == "[0]" ? s : "." + s)));
        if (steps[^1] == "[0]") parent!.AsArray()[0] = value;
        else parent!.AsObject()[steps[^1]] = value;
    }

    static void Remove(JsonNode root, string path)
    {
        var steps = Steps(path).ToList();
        var parent = Find(root, "$" + string.Concat(steps.Take(steps.Count - 1).Select(s => s == "[0]" ? s : "." + s)));
        parent!.AsObject().Remove(steps[^1]);
    }

    static string DuplicateFirstKey(string template)
    {
        var root = JsonNode.Parse(template) as JsonObject;
        if (root is null || root.Count == 0) return "{\"a\":1,\"a\":2}";
        var (key, value) = root.First();
        return "{" + $"\"{key}\":{value?.ToJsonString() ?? "null"}," + template.TrimStart()[1..];
    }

    /// <summary>The template with bytes that are not UTF-8 inside a string, and a truncated multi-byte sequence.</summary>
    static IEnumerable<byte[]> InvalidUtf8(string template, Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(template);
        var quote = Array.IndexOf(bytes, (byte)'"', 1);
        foreach (var bad in new byte[][] { [0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x92], [(byte)random.Next(0x80, 0xC0)] })
        {
            var at = quote > 0 ? quote + 1 : bytes.Length;
            yield return [.. bytes[..at], .. bad, .. bytes[at..]];
        }
    }

    static readonly string[] OddQueryValues =
    [
        "", " ", "-1", "0", "99999999999999999999", "1e400", "NaN", "abc", "{", "[]", "{\"$ne\":1}", "true", "null", "%00", "%ff%fe",
        "%F0%9F%92%A5", "2000-13-45T99:99:99Z", "{\"start\":\"x\"}", "{\"name\":2}",
    ];

    /// <summary>Each query parameter removed, given odd values, repeated, sent as an array; and unknown or hostile parameters added.</summary>
    static void QueryCases(string path, Random random, Action<string, string> add)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        var basePath = q < 0 ? path : path[..q];
        var pairs = q < 0 ? [] : path[(q + 1)..].Split('&').Select(p => p.Split('=', 2)).Select(p => (Key: p[0], Value: p.Length > 1 ? p[1] : "")).ToList();
        string Build(IEnumerable<(string Key, string Value)> ps) => basePath + "?" + string.Join("&", ps.Select(p => $"{p.Key}={p.Value}"));
        for (var i = 0; i < pairs.Count; i++)
        {
            var (key, value) = pairs[i];
            var index = i;
            add($"missing query {key}", Build(pairs.Where((_, j) => j != index)));
            foreach (var odd in OddQueryValues)
            {
                add($"query {key}={odd}", Build(pairs.Select((p, j) => j == index ? (p.Key, odd) : p)));
            }
            add($"query {key} 10k", Build(pairs.Select((p, j) => j == index ? (p.Key, RandomText(random, 10_000)) : p)));
            add($"query {key} repeated", Build([.. pairs, (key.TrimEnd('[', ']'), "second")]));
            add($"query {key} as array", Build(pairs.Select((p, j) => j == index ? (p.Key.TrimEnd('[', ']') + "[]", value) : p)));
        }
        foreach (var extra in new[]
        {
            "extra=1", "count=-5", "count=abc", "count=99999999999", "offset=-1", "offset=abc", "offset=99999999999", "sort=not-json",
            "sort={\"_id\":5}", "sort={\"name\":\"x\"}", "sort=[1]", "fields={", "query={\"$where\":\"1\"}", "__proto__[admin]=1", "a[b][c]=d",
        })
        {
            add($"query +{extra}", q < 0 ? $"{path}?{extra}" : $"{path}&{extra}");
        }
    }

    static readonly string[] OddPathValues =
        ["%01", "..", "%2e%2e%2f%2e%2e", "%2F", "%ff%fe", "%F0%9F%92%A5", "a%20b", "null", "-1", "1e400", "%7B%22%24ne%22%3A1%7D", "x%0D%0Ay"];

    /// <summary>Each route parameter replaced by odd values (percent-encoded as a client would send them).</summary>
    static void PathCases(string route, string path, Action<string, string> add)
    {
        var routeSegments = route.Split('/');
        var q = path.IndexOf('?', StringComparison.Ordinal);
        var query = q < 0 ? "" : path[q..];
        var segments = (q < 0 ? path : path[..q]).Split('/');
        if (segments.Length != routeSegments.Length) return;
        for (var i = 0; i < segments.Length; i++)
        {
            if (!routeSegments[i].StartsWith('{') || routeSegments[i].StartsWith("{**", StringComparison.Ordinal)) continue;
            foreach (var odd in OddPathValues.Append(new string('x', 2000)))
            {
                var copy = (string[])segments.Clone();
                copy[i] = odd;
                add($"path {routeSegments[i]}={(odd.Length > 20 ? "2000 x" : odd)}", string.Join('/', copy) + query);
            }
        }
    }

    static IEnumerable<(string Kind, (string, string)[] Headers)> BadCredentials(MatrixWorld world)
    {
        var admin = world.Users[Role.Admin];
        var other = world.Users[Role.User];
        yield return ("user id without token", [("X-User-Id", admin.Id)]);
        yield return ("token without user id", [("X-Auth-Token", admin.Token)]);
        yield return ("wrong token", [("X-User-Id", admin.Id), ("X-Auth-Token", admin.Token[..^1] + (admin.Token[^1] == 'a' ? 'b' : 'a'))]);
        yield return ("another user's token", [("X-User-Id", admin.Id), ("X-Auth-Token", other.Token)]);
        yield return ("10k token", [("X-User-Id", admin.Id), ("X-Auth-Token", new string('t', 10_000))]);
        yield return ("visitor token as auth token", [("X-User-Id", admin.Id), ("X-Auth-Token", world.VisitorToken)]);
    }

    static string RandomText(Random random, int length)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
        var chars = new char[length];
        for (var i = 0; i < length; i++) chars[i] = Alphabet[random.Next(Alphabet.Length)];
        return new string(chars);
    }
}
