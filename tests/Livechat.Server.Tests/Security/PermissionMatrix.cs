using Livechat.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Security;

/// <summary>The callers of the permission matrix, in column order.</summary>
public enum Role { Anonymous, User, AgentServing, AgentNotServing, Monitor, Manager, Admin, Visitor }

/// <summary>
/// One endpoint: its method and route pattern as the server registers them, the request sent (placeholders in
/// <see cref="MatrixWorld.Resolve"/>), and the expected answer per <see cref="Role"/>, one cell per column:
/// <c>401</c>, <c>403</c> (route permission), <c>403u</c> (handler's <c>unauthorized</c>), <c>ok</c> (200 with
/// <c>success: true</c>), <c>&lt;status&gt; &lt;exact JSON&gt;</c>, <c>&lt;status&gt;~&lt;text the body contains&gt;</c>, or
/// <c>&lt;status&gt;!&lt;text the body must not contain&gt;</c>.
/// </summary>
public sealed record MatrixRow(string Method, string Route, string Path, string? Body, string[] Cells)
{
    /// <summary>Each cell logs in afresh and uses that token (the request ends the token it uses).</summary>
    public bool FreshToken { get; init; }

    /// <summary>Why the fuzzer leaves this endpoint out, when it does.</summary>
    public string? NoFuzz { get; init; }

    /// <summary>
    /// Names a further case of an endpoint that already has its row (the same route with another request, where a
    /// handler checks a permission the route does not: the manager type, an alias, another user's e-mail).
    /// </summary>
    public string? Case { get; init; }

    public string Key => $"{Method} {Route}";
}

/// <summary>
/// Endpoint × role: every endpoint the server maps has a row here, or <see cref="PermissionMatrixTests{TFactory}"/>
/// fails. A new endpoint gets a row with the request a client would send and the answer of every role. The
/// requests are chosen so that a caller who passes the permission reaches a known, harmless answer (an unknown id, a
/// missing field, a disabled setting) rather than destroying the shared fixture. The fuzzer mutates the same requests.
/// </summary>
public static class PermissionMatrix
{
    const string A = "401";
    const string P = "403";
    const string H = "403u";
    const string Ok = "ok";
    const string InvalidToken = """400 {"success":false,"error":"invalid-token"}""";
    const string InvalidTokenCoded = """400 {"success":false,"error":"[invalid-token]","errorType":"invalid-token"}""";
    const string NotFound = """404 {"success":false,"error":"Resource not found"}""";

    static string Params(string message) => $$"""400 {"success":false,"error":"{{message}} [invalid-params]","errorType":"invalid-params"}""";

    static string Bad(string json) => $"400 {json}";

    static MatrixRow Row(string method, string route, string path, string? body,
        string anonymous, string user, string agentServing, string agentNotServing, string monitor, string manager, string admin, string visitor) =>
        new(method, route, path, body, [anonymous, user, agentServing, agentNotServing, monitor, manager, admin, visitor]);

    /// <summary>Authenticated endpoint whose route permission only <paramref name="allowed"/> roles hold; they get <paramref name="ok"/>.</summary>
    static MatrixRow Perm(string method, string route, string path, string? body, string ok, params Role[] allowed) =>
        Row(method, route, path, body, A,
            allowed.Contains(Role.User) ? ok : P,
            allowed.Contains(Role.AgentServing) ? ok : P,
            allowed.Contains(Role.AgentNotServing) ? ok : P,
            allowed.Contains(Role.Monitor) ? ok : P,
            allowed.Contains(Role.Manager) ? ok : P,
            allowed.Contains(Role.Admin) ? ok : P, A);

    static MatrixRow Everyone(string method, string route, string path, string? body, string answer) =>
        Row(method, route, path, body, answer, answer, answer, answer, answer, answer, answer, answer);

    /// <summary>Visitor endpoint: the visitor's token is the credential; everyone else sends an unknown token.</summary>
    static MatrixRow Visitor(string method, string route, string path, string? body, string visitor, string others) =>
        Row(method, route, path, body, others, others, others, others, others, others, others, visitor);

    static readonly Role[] Agents = [Role.AgentServing, Role.AgentNotServing, Role.Monitor, Role.Manager, Role.Admin];
    static readonly Role[] Authenticated = [Role.User, .. Agents];
    static readonly Role[] Supervisors = [Role.Monitor, Role.Manager, Role.Admin];
    static readonly Role[] Managers = [Role.Manager, Role.Admin];

    public static readonly MatrixRow[] Rows =
    [
        // Server, documents, fallback
        Everyone("GET", "/api/info", "/api/info", null, """200 {"version":"0.1.0","success":true}"""),
        Everyone("GET", "/health", "/health", null, "200~OK"),
        Everyone("*", "/health/live", "/health/live", null, """200 {"status":"Healthy","checks":{}}""") with { NoFuzz = "takes no input" },
        Everyone("*", "/health/ready", "/health/ready", null, """200 {"status":"Healthy","checks":{"database":"Healthy","outbox":"Healthy"}}""") with { NoFuzz = "takes no input" },
        Everyone("GET", "/openapi/{documentName}.json", "/openapi/v1.json", null, "200~\"openapi\"") with { NoFuzz = "generated document, takes no input" },
        Everyone("GET", "/docs/{documentName?}", "/docs", null, "200~<html") with { NoFuzz = "static page" },
        Everyone("GET", "/docs/scalar.js", "/docs/scalar.js", null, "200~") with { NoFuzz = "static file" },
        Everyone("GET", "/docs/scalar.aspnetcore.js", "/docs/scalar.aspnetcore.js", null, "200~") with { NoFuzz = "static file" },
        Everyone("GET", "/docs/favicon.svg", "/docs/favicon.svg", null, "200~<svg") with { NoFuzz = "static file" },
        Everyone("*", "/api/{**path}", "/api/v1/no-such-endpoint", null, NotFound),
        // The agent console at / (Workspace/ConsoleHosting.cs): its files, index.html for any other page, and a plain 404
        // under the server's own prefixes instead of the console.
        Everyone("GET", "{*path:nonfile}", "/rooms/some-page", null, "200~<html") with { NoFuzz = "the console's page" },
        Everyone("HEAD", "{*path:nonfile}", "/rooms/some-page", null, "200~") with { NoFuzz = "the console's page" },
        Everyone("GET", "{**path:file}", "/no-such-file.js", null, "404~") with { NoFuzz = "static file" },
        Everyone("HEAD", "{**path:file}", "/no-such-file.js", null, "404~") with { NoFuzz = "static file" },
        Everyone("*", "/websocket/{**path}", "/websocket/no/such", null, "404~") with { NoFuzz = "fallback" },
        Everyone("*", "/livechat/{**path}", "/livechat/no/such", null, "404~") with { NoFuzz = "fallback" },
        Everyone("*", "/docs/{**path}", "/docs/no/such", null, "404~") with { NoFuzz = "fallback" },
        Everyone("*", "/openapi/{**path}", "/openapi/no/such", null, "404~") with { NoFuzz = "fallback" },
        Everyone("*", "/health/{**path}", "/health/no/such", null, "404~") with { NoFuzz = "fallback" },
        Everyone("*", "/avatar/{**path}", "/avatar/no/such", null, "404~") with { NoFuzz = "fallback" },
        Everyone("*", "/_framework/{**path}", "/_framework/no-such.js", null, "404~") with { NoFuzz = "fallback" },

        // Accounts
        Everyone("POST", "/api/v1/login", "/api/v1/login", "{}",
            """401 {"success":false,"status":"error","error":400,"message":"Unrecognized options for login request"}"""),
        Perm("GET", "/api/v1/logout", "/api/v1/logout", null, """200 {"status":"success","data":{"message":"You've been logged out!"}}""", Authenticated)
            with { FreshToken = true, NoFuzz = "ends the caller's token" },
        Perm("POST", "/api/v1/logout", "/api/v1/logout", null, """200 {"status":"success","data":{"message":"You've been logged out!"}}""", Authenticated)
            with { FreshToken = true, NoFuzz = "ends the caller's token" },
        Perm("GET", "/api/v1/me", "/api/v1/me", null, Ok, Authenticated),
        Perm("POST", "/api/v1/users.generatePersonalAccessToken", "/api/v1/users.generatePersonalAccessToken", """{"tokenName":"matrix"}""", Ok, Authenticated),
        Perm("POST", "/api/v1/users.removePersonalAccessToken", "/api/v1/users.removePersonalAccessToken", """{"tokenName":"no-such-token"}""",
            Bad("""{"success":false,"error":"Token does not exist [error-token-does-not-exists]","errorType":"error-token-does-not-exists"}"""), Authenticated),
        Perm("GET", "/api/v1/users.getPersonalAccessTokens", "/api/v1/users.getPersonalAccessTokens", null, Ok, Authenticated),
        Perm("POST", "/api/v1/users.create", "/api/v1/users.create", """{"username":"matrix","name":"Matrix","password":"x"}""",
            Params("must have required property 'email'"), Role.Admin),
        Perm("GET", "/api/v1/users.info", "/api/v1/users.info?userId={self}", null, Ok, Authenticated),
        Row("GET", "/api/v1/users.info", "/api/v1/users.info?userId={agent}", null,
            A, NoEmails, "200~\"emails\"", NoEmails, NoEmails, NoEmails, "200~\"emails\"", A)
            with { Case = "another user's e-mails need view-full-other-user-info" },
        Perm("GET", "/api/v1/roles.list", "/api/v1/roles.list", null, Ok, Authenticated),
        Perm("GET", "/api/v1/permissions.listAll", "/api/v1/permissions.listAll", null, Ok, Authenticated),
        Perm("POST", "/api/v1/permissions.update", "/api/v1/permissions.update", """{"permissions":[{"_id":"no-such-permission","roles":["admin"]}]}""",
            Bad("""{"success":false,"error":"Invalid permission","errorType":"error-invalid-permission"}"""), Role.Admin),
        Perm("GET", "/api/v1/settings/{_id}", "/api/v1/settings/Livechat_show_agent_info", null, """200 {"_id":"Livechat_show_agent_info","value":true,"success":true}""", Role.Admin),
        Perm("POST", "/api/v1/settings/{_id}", "/api/v1/settings/Livechat_show_agent_info", """{"value":"not a boolean"}""", Bad("""{"success":false}"""), Role.Admin),

        // Priorities, SLAs, tags, custom fields
        Perm("GET", "/api/v1/livechat/priorities", "/api/v1/livechat/priorities", null, Ok, Agents),
        Perm("GET", "/api/v1/livechat/priorities/{priorityId}", "/api/v1/livechat/priorities/{priority}", null, Ok, Agents),
        Perm("PUT", "/api/v1/livechat/priorities/{priorityId}", "/api/v1/livechat/priorities/no-such-priority", """{"name":"matrix"}""",
            Bad("""{"success":false,"error":"error-unable-to-update-priority"}"""), Managers),
        Perm("GET", "/api/v1/livechat/priorities.reset", "/api/v1/livechat/priorities.reset", null, """200 {"reset":false,"success":true}""", Managers),
        Perm("POST", "/api/v1/livechat/priorities.reset", "/api/v1/livechat/priorities.reset", null, Bad("""{"success":false}"""), Managers),
        Perm("GET", "/api/v1/livechat/sla", "/api/v1/livechat/sla", null, Ok, Agents),
        Perm("POST", "/api/v1/livechat/sla", "/api/v1/livechat/sla", """{"description":"matrix","dueTimeInMinutes":15}""",
            Params("must have required property 'name'"), Managers),
        Perm("GET", "/api/v1/livechat/sla/{slaId}", "/api/v1/livechat/sla/{sla}", null, Ok, Agents),
        Perm("PUT", "/api/v1/livechat/sla/{slaId}", "/api/v1/livechat/sla/no-such-sla", """{"name":"matrix-sla","dueTimeInMinutes":123457}""",
            """404 {"success":false,"error":"SLA with id no-such-sla not found"}""", Managers),
        Perm("DELETE", "/api/v1/livechat/sla/{slaId}", "/api/v1/livechat/sla/no-such-sla", null,
            Bad("""{"success":false,"error":"SLA with id no-such-sla not found"}"""), Managers),
        Perm("GET", "/api/v1/livechat/tags", "/api/v1/livechat/tags?text=", null, Ok, Agents),
        Perm("GET", "/api/v1/livechat/tags/{tagId}", "/api/v1/livechat/tags/{tag}", null, Ok, Agents),
        Perm("POST", "/api/v1/livechat/tags.save", "/api/v1/livechat/tags.save", """{"tagDepartments":[]}""",
            Params("must have required property 'tagData'"), Managers),
        Perm("POST", "/api/v1/livechat/tags.delete", "/api/v1/livechat/tags.delete", """{"id":"no-such-tag"}""",
            Bad("""{"success":false,"error":"Tag not found [tag-not-found]","errorType":"tag-not-found"}"""), Managers),
        Perm("GET", "/api/v1/livechat/custom-fields", "/api/v1/livechat/custom-fields", null, Ok, Agents),
        Perm("GET", "/api/v1/livechat/custom-fields/{id}", "/api/v1/livechat/custom-fields/{field}", null, Ok, Agents),
        Perm("POST", "/api/v1/livechat/custom-fields.save", "/api/v1/livechat/custom-fields.save", """{"customFieldId":null}""",
            Params("must have required property 'customFieldData'"), Supervisors),
        Perm("POST", "/api/v1/livechat/custom-fields.delete", "/api/v1/livechat/custom-fields.delete", """{"customFieldId":"no-such-field"}""",
            Bad("""{"success":false,"error":"Custom field not found"}"""), Supervisors),
        Visitor("POST", "/api/v1/livechat/custom.field", "/api/v1/livechat/custom.field", """{"token":"{token}","key":"no-such-field","value":"v","overwrite":true}""",
            Bad("""{"success":false,"error":"invalid-custom-field"}"""), InvalidToken),
        Visitor("POST", "/api/v1/livechat/custom.fields", "/api/v1/livechat/custom.fields",
            """{"token":"{token}","customFields":[{"key":"no-such-field","value":"v","overwrite":true}]}""",
            Bad("""{"success":false,"error":"invalid-custom-field"}"""), InvalidToken),
        // Triggers (Triggers/): reading needs view-livechat-manager, writing view-livechat-triggers too
        Perm("GET", "/api/v1/livechat/triggers", "/api/v1/livechat/triggers", null, Ok, Supervisors),
        Perm("POST", "/api/v1/livechat/triggers", "/api/v1/livechat/triggers", """{"name":"matrix"}""",
            Params("must have required property 'description'"), Managers),
        Perm("GET", "/api/v1/livechat/triggers/{_id}", "/api/v1/livechat/triggers/no-such-trigger", null, """200 {"trigger":null,"success":true}""", Supervisors),
        Perm("DELETE", "/api/v1/livechat/triggers/{_id}", "/api/v1/livechat/triggers/no-such-trigger", null, Ok, Managers),
        Row("POST", "/api/v1/method.call/{method}", "/api/v1/method.call/livechat:removeTrigger",
            """{"message":"{\"msg\":\"method\",\"id\":\"7\",\"method\":\"livechat:removeTrigger\",\"params\":[\"no-such-trigger\"]}"}""",
            A, MethodError("error-not-allowed", "Not allowed"), MethodError("error-not-allowed", "Not allowed"), MethodError("error-not-allowed", "Not allowed"),
            MethodError("error-not-allowed", "Not allowed"), MethodTrue, MethodTrue, A) with { Case = "removing a trigger needs view-livechat-triggers too" },
        // Canned responses (CannedResponses/): the scope's own permission is checked in the handler
        Perm("GET", "/api/v1/canned-responses.get", "/api/v1/canned-responses.get", null, Ok, Agents),
        Perm("GET", "/api/v1/canned-responses", "/api/v1/canned-responses?text=matrix", null, Ok, Agents),
        Perm("POST", "/api/v1/canned-responses", "/api/v1/canned-responses", """{"text":"matrix","scope":"user"}""",
            Params("must have required property 'shortcut'"), Agents),
        Perm("DELETE", "/api/v1/canned-responses", "/api/v1/canned-responses", """{"_id":"no-such-response"}""",
            Bad("""{"success":false,"error":"Canned Response not found [error-canned-response-not-found]","errorType":"error-canned-response-not-found"}"""), Agents),
        Perm("GET", "/api/v1/canned-responses/{_id}", "/api/v1/canned-responses/no-such-response", null,
            """404 {"success":false,"error":"Resource not found"}""", Agents),
        Row("POST", "/api/v1/method.call/{method}", "/api/v1/method.call/livechat:removeTag",
            """{"message":"{\"msg\":\"method\",\"id\":\"7\",\"method\":\"livechat:removeTag\",\"params\":[\"no-such-tag\"]}"}""",
            A, MethodError("error-not-allowed", "Not allowed"), MethodError("error-not-allowed", "Not allowed"), MethodError("error-not-allowed", "Not allowed"),
            MethodError("error-not-allowed", "Not allowed"), MethodError("tag-not-found", "Tag not found"), MethodError("tag-not-found", "Tag not found"), A),
        Everyone("POST", "/api/v1/method.callAnon/{method}", "/api/v1/method.callAnon/livechat:removeTag",
            """{"message":"{\"msg\":\"method\",\"id\":\"7\",\"method\":\"livechat:removeTag\",\"params\":[\"no-such-tag\"]}"}""",
            MethodError("404", "Method 'livechat:removeTag' not found")),

        // Agents and managers
        Row("GET", "/api/v1/livechat/users/{type}", "/api/v1/livechat/users/agent", null, A, H, Ok, Ok, Ok, Ok, Ok, A),
        Perm("POST", "/api/v1/livechat/users/{type}", "/api/v1/livechat/users/agent", """{"username":"no-such-user"}""",
            Bad("""{"success":false,"error":"error-invalid-user"}"""), Supervisors),
        Perm("GET", "/api/v1/livechat/users/{type}/{_id}", "/api/v1/livechat/users/agent/{agent}", null, Ok, Supervisors),
        Perm("DELETE", "/api/v1/livechat/users/{type}/{_id}", "/api/v1/livechat/users/agent/no-such-user", null,
            Bad("""{"success":false,"error":"error-invalid-user"}"""), Supervisors),
        Perm("POST", "/api/v1/livechat/users/{type}", "/api/v1/livechat/users/manager", """{"username":"no-such-user"}""",
            Bad("""{"success":false,"error":"error-invalid-user"}"""), Managers) with { Case = "the manager type needs manage-livechat-managers" },
        Perm("DELETE", "/api/v1/livechat/users/{type}/{_id}", "/api/v1/livechat/users/manager/no-such-user", null,
            Bad("""{"success":false,"error":"error-invalid-user"}"""), Managers) with { Case = "the manager type needs manage-livechat-managers" },
        Perm("POST", "/api/v1/livechat/agent.status", "/api/v1/livechat/agent.status", """{"agentId":"no-such-agent","status":"available"}""",
            """404 {"success":false,"error":"Agent not found"}""", Agents),
        // Presence (Presence/, Agents/): the caller's own status; an agent's own chat limit
        Perm("POST", "/api/v1/users.setStatus", "/api/v1/users.setStatus", "{}", Ok, Authenticated),
        Perm("POST", "/api/v1/livechat/agents.saveInfo", "/api/v1/livechat/agents.saveInfo", """{"agentId":"no-such-agent","agentData":{}}""",
            Bad("""{"success":false,"error":"error-user-is-not-agent"}"""), Supervisors),

        // Visitors
        Everyone("POST", "/api/v1/livechat/visitor", "/api/v1/livechat/visitor", """{"visitor":{"token":"{visitorToken}"}}""", Ok),
        Visitor("GET", "/api/v1/livechat/visitor/{token}", "/api/v1/livechat/visitor/{token}", null, Ok, InvalidTokenCoded),
        Visitor("DELETE", "/api/v1/livechat/visitor/{token}", "/api/v1/livechat/visitor/{token}", null,
            Bad("""{"success":false,"error":"Cannot remove visitors with opened rooms [visitor-has-open-rooms]","errorType":"visitor-has-open-rooms"}"""),
            InvalidTokenCoded),
        Visitor("POST", "/api/v1/livechat/visitor.status", "/api/v1/livechat/visitor.status", """{"token":"{token}","status":"online"}""", Ok, InvalidTokenCoded),
        Perm("GET", "/api/v1/livechat/visitors.info", "/api/v1/livechat/visitors.info?visitorId={vid}", null, Ok, Agents),
        Perm("GET", "/api/v1/livechat/visitors.search", "/api/v1/livechat/visitors.search?term=matrix", null, Ok, Agents),

        // Rooms and the queue
        Visitor("GET", "/api/v1/livechat/room", "/api/v1/livechat/room?token={token}", null, Ok, InvalidToken),
        Row("GET", "/api/v1/rooms.info", "/api/v1/rooms.info?roomId={rid}", null,
            A, NotAllowedRoom, Ok, NotAllowedRoom, Ok, Ok, Ok, A),
        Visitor("POST", "/api/v1/livechat/room.close", "/api/v1/livechat/room.close", """{"token":"{token}","rid":"no-such-room"}""",
            Bad("""{"success":false,"error":"invalid-room"}"""), InvalidToken),
        Row("POST", "/api/v1/livechat/room.closeByUser", "/api/v1/livechat/room.closeByUser", """{"rid":"{rid}"}""",
            A, P, CommentRequired, Bad("""{"success":false,"error":"error-not-authorized"}"""), CommentRequired, CommentRequired, CommentRequired, A),
        Row("POST", "/api/v1/livechat/room.saveInfo", "/api/v1/livechat/room.saveInfo",
            """{"guestData":{"_id":"{vid}"},"roomData":{"_id":"{rid}","topic":"matrix"}}""",
            A, P, """200 {"success":true}""", H, """200 {"success":true}""", """200 {"success":true}""", """200 {"success":true}""", A),
        Row("GET", "/api/v1/livechat/rooms", "/api/v1/livechat/rooms?agents[]={agent}", null, A, H, Ok, H, Ok, Ok, Ok, A),
        Row("GET", "/api/v1/livechat/room.auditLog", "/api/v1/livechat/room.auditLog?roomId={rid}", null,
            A, P, Ok, NotAllowedRoom, Ok, Ok, Ok, A),
        // On hold (OnHold/) and business hours (BusinessHours/)
        Perm("POST", "/api/v1/livechat/room.onHold", "/api/v1/livechat/room.onHold", """{"roomId":"no-such-room"}""",
            Bad("""{"success":false,"error":"error-invalid-room"}"""), Agents),
        Perm("POST", "/api/v1/livechat/room.resumeOnHold", "/api/v1/livechat/room.resumeOnHold", """{"roomId":"no-such-room"}""",
            Bad("""{"success":false,"error":"error-invalid-room"}"""), Agents),
        Perm("GET", "/api/v1/livechat/business-hour", "/api/v1/livechat/business-hour?type=custom&_id=no-such-hour", null, Ok, Supervisors),
        Perm("GET", "/api/v1/livechat/business-hours", "/api/v1/livechat/business-hours", null, Ok, Supervisors),
        Perm("POST", "/api/v1/livechat/business-hours.save", "/api/v1/livechat/business-hours.save", "{}",
            Params("must have required property 'name'"), Supervisors),
        Perm("POST", "/api/v1/livechat/business-hours.remove", "/api/v1/livechat/business-hours.remove", """{"_id":"no-such-hour","type":"custom"}""",
            Bad("""{"success":false,"error":"error-business-hour-not-found"}"""), Supervisors),
        Perm("GET", "/api/v1/livechat/webhooks.deliveries", "/api/v1/livechat/webhooks.deliveries", null, Ok, Managers),
        Perm("POST", "/api/v1/livechat/webhook.test", "/api/v1/livechat/webhook.test", null,
            Bad("""{"success":false,"error":"Webhook_URL_not_set"}"""), Managers),
        Perm("POST", "/api/v1/livechat/webhooks.replay", "/api/v1/livechat/webhooks.replay", """{"_id":"no-such-delivery"}""",
            Bad("""{"success":false,"error":"error-invalid-delivery"}"""), Managers),
        Visitor("POST", "/api/v1/livechat/room.survey", "/api/v1/livechat/room.survey",
            """{"token":"{token}","rid":"{rid}","data":[{"name":"satisfaction","value":"9"}]}""",
            Bad("""{"success":false,"error":"invalid-data"}"""), InvalidToken),
        Everyone("GET", "/sounds/chime.mp3", "/sounds/chime.mp3", null, "200~RIFF") with { NoFuzz = "static sound" },
        Everyone("HEAD", "/sounds/chime.mp3", "/sounds/chime.mp3", null, "200~") with { NoFuzz = "static sound" },
        // Mail (src/Livechat.Server/Mail)
        Perm("POST", "/api/v1/livechat/transcript/{rid}", "/api/v1/livechat/transcript/no-such-room", """{"email":"matrix@example.com","subject":"x"}""",
            Bad("""{"success":false,"error":"Invalid room [error-invalid-room]","errorType":"error-invalid-room"}"""), Managers),
        Perm("DELETE", "/api/v1/livechat/transcript/{rid}", "/api/v1/livechat/transcript/no-such-room", null,
            Bad("""{"success":false,"error":"error-invalid-room"}"""), Managers),
        Perm("GET", "/api/v1/livechat/mail.deliveries", "/api/v1/livechat/mail.deliveries", null, Ok, Managers),
        Perm("GET", "/api/v1/livechat/inquiries.queued", "/api/v1/livechat/inquiries.queued", null, Ok, Agents),
        Perm("POST", "/api/v1/livechat/inquiries.take", "/api/v1/livechat/inquiries.take", """{"inquiryId":"no-such-inquiry"}""",
            Bad("""{"success":false,"error":"Inquiry not found [error-not-found]","errorType":"error-not-found"}"""), Agents),
        // Hand-over (src/Livechat.Server/Handover)
        Perm("POST", "/api/v1/livechat/room.forward", "/api/v1/livechat/room.forward", """{"roomId":"no-such-room","userId":"{agent}"}""",
            Bad("""{"success":false,"error":"error-invalid-room"}"""), Supervisors),
        Visitor("POST", "/api/v1/livechat/room.transfer", "/api/v1/livechat/room.transfer",
            """{"rid":"no-such-room","token":"{token}","department":"no-such-department"}""", Bad("""{"success":false,"error":"invalid-room"}"""), InvalidToken),
        Perm("GET", "/api/v1/livechat/transfer.history/{rid}", "/api/v1/livechat/transfer.history/{rid}", null, Ok, Supervisors),
        Perm("POST", "/api/v1/livechat/inquiries.returnAsInquiry", "/api/v1/livechat/inquiries.returnAsInquiry", """{"roomId":"no-such-room"}""",
            Bad("""{"success":false,"error":"error-room-not-found"}"""), Agents),
        Perm("GET", "/api/v1/livechat/room.join", "/api/v1/livechat/room.join?roomId=no-such-room", null,
            Bad("""{"success":false,"error":"error-invalid-room"}"""), Agents),

        // Messages
        Visitor("POST", "/api/v1/livechat/message", "/api/v1/livechat/message", """{"token":"{token}","rid":"{rid}","msg":"matrix"}""", Ok, InvalidToken),
        Visitor("GET", "/api/v1/livechat/messages.history/{rid}", "/api/v1/livechat/messages.history/{rid}?token={token}", null, Ok, InvalidToken),
        Row("POST", "/api/v1/chat.sendMessage", "/api/v1/chat.sendMessage", """{"message":{"rid":"{rid}","msg":"matrix"}}""",
            A, NotAllowedMessage, Ok, NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, A),
        Row("POST", "/api/v1/chat.sendMessage", "/api/v1/chat.sendMessage", """{"message":{"rid":"{rid}","msg":"matrix","alias":"Someone Else"}}""",
            A, NotAllowedMessage, NotImpersonate, NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, A)
            with { Case = "alias needs message-impersonate" },
        Row("POST", "/api/v1/chat.sendMessage", "/api/v1/chat.sendMessage",
            """{"message":{"rid":"{rid}","msg":"matrix","avatar":"https://example.com/a.png"}}""",
            A, NotAllowedMessage, NotImpersonate, NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, A)
            with { Case = "avatar needs message-impersonate" },
        Row("GET", "/api/v1/chat.syncMessages", "/api/v1/chat.syncMessages?roomId={rid}&lastUpdate=2000-01-01T00:00:00.000Z", null,
            A, NotAllowedSync, Ok, NotAllowedSync, Ok, Ok, Ok, A),

        // Files: a JSON body is no file; the visitor's credential is the x-visitor-token header (401 without it)
        Visitor("POST", "/api/v1/livechat/upload/{rid}", "/api/v1/livechat/upload/{rid}", "{}", FileRequired, A),
        Row("POST", "/api/v1/rooms.media/{rid}", "/api/v1/rooms.media/{rid}", "{}", A, NotAllowedMessage, FileRequired,
            NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, NotAllowedMessage, A),
        Row("POST", "/api/v1/rooms.mediaConfirm/{rid}/{fileId}", "/api/v1/rooms.mediaConfirm/{rid}/nope", "{}", A,
            InvalidFile, InvalidFile, InvalidFile, InvalidFile, InvalidFile, InvalidFile, A),
        Everyone("GET", "/file-upload/{id}/{name}", "/file-upload/nope/a.png", null, """404 {"success":false,"error":"File not found"}"""),

        // Departments
        Perm("GET", "/api/v1/livechat/department/", "/api/v1/livechat/department", null, Ok, Agents),
        Perm("POST", "/api/v1/livechat/department/", "/api/v1/livechat/department", """{"agents":[]}""", Params("must have required property 'department'"), Supervisors),
        Perm("GET", "/api/v1/livechat/department/{_id}", "/api/v1/livechat/department/{dep}", null, Ok, Agents),
        Perm("PUT", "/api/v1/livechat/department/{_id}", "/api/v1/livechat/department/{dep}", """{"agents":[]}""",
            Params("must have required property 'department'"), Supervisors),
        Perm("DELETE", "/api/v1/livechat/department/{_id}", "/api/v1/livechat/department/{dep}", null,
            Bad("""{"success":false,"error":"error-department-removal-disabled"}"""), Supervisors),
        // Realtime and the website widget
        Everyone("GET", "/websocket", "/websocket", null, """400 {"success":false,"error":"Can \"Upgrade\" only to \"WebSocket\"."}"""),
        Everyone("GET", "/livechat", "/livechat", null, WidgetIndex) with { NoFuzz = "static page" },
        Everyone("HEAD", "/livechat", "/livechat", null, WidgetIndex[..3] + "~") with { NoFuzz = "static page" },
        Everyone("GET", "/livechat/{**file}", "/livechat/no-such-file.js", null, "404~Not found") with { NoFuzz = "static file" },
        Everyone("HEAD", "/livechat/{**file}", "/livechat/no-such-file.js", null, "404~") with { NoFuzz = "static file" },
        Everyone("GET", "/avatar/{username}", "/avatar/matrix", null, "200~<svg") with { NoFuzz = "static image" },
        Everyone("HEAD", "/avatar/{username}", "/avatar/matrix", null, "200~") with { NoFuzz = "static image" },
        Everyone("GET", "/api/v1/livechat/config", "/api/v1/livechat/config?token={token}", null, Ok),
        Visitor("GET", "/api/v1/livechat/agent.info/{rid}/{token}", "/api/v1/livechat/agent.info/{rid}/{token}", null, Ok, InvalidToken),
        Visitor("GET", "/api/v1/livechat/agent.next/{token}", "/api/v1/livechat/agent.next/{token}?department=no-such-department", null,
            """200 {"success":true}""", Bad("""{"success":false,"error":"agent-not-found"}""")),
        Visitor("POST", "/api/v1/livechat/page.visited", "/api/v1/livechat/page.visited",
            """{"token":"{token}","rid":"{rid}","pageInfo":{"change":"url","title":"Matrix","location":{"href":"https://example.com/"}}}""",
            """200 {"success":true}""", Bad("""{"success":false,"error":"invalid-room"}""")),
        Everyone("POST", "/api/v1/livechat/offline.message", "/api/v1/livechat/offline.message", """{"name":"Matrix","message":"hello"}""",
            Params("must have required property 'email'")),
        Visitor("POST", "/api/v1/livechat/transcript", "/api/v1/livechat/transcript", """{"token":"{token}","rid":"{rid}","email":"matrix@example.com"}""",
            Bad("""{"success":false,"error":"Error sending Livechat transcript"}"""), InvalidToken),
        Visitor("GET", "/api/v1/livechat/message/{_id}", "/api/v1/livechat/message/no-such-message?token={token}&rid={rid}", null,
            InvalidMessage, InvalidToken),
        Visitor("PUT", "/api/v1/livechat/message/{_id}", "/api/v1/livechat/message/no-such-message", """{"token":"{token}","rid":"{rid}","msg":"matrix"}""",
            InvalidMessage, InvalidToken),
        Visitor("DELETE", "/api/v1/livechat/message/{_id}", "/api/v1/livechat/message/no-such-message", """{"token":"{token}","rid":"{rid}"}""",
            InvalidMessage, InvalidToken),

        Perm("GET", "/api/v1/livechat/department/{_id}/agents", "/api/v1/livechat/department/{dep}/agents", null, Ok, Agents),
        Perm("POST", "/api/v1/livechat/department/{_id}/agents", "/api/v1/livechat/department/{dep}/agents", """{"remove":[]}""",
            Params("must have required property 'upsert'"), Supervisors),
    ];

    const string NotAllowedRoom = """400 {"success":false,"error":"not-allowed","errorType":"Not Allowed"}""";
    const string FileRequired = """400 {"success":false,"error":"File required [error-file-required]","errorType":"error-file-required"}""";
    const string InvalidFile = """400 {"success":false,"error":"[invalid-file]","errorType":"invalid-file"}""";
    const string NotAllowedMessage = """400 {"success":false,"error":"[error-not-allowed]","errorType":"error-not-allowed"}""";
    const string NotAllowedSync = """400 {"success":false,"error":"Not allowed [error-not-allowed]","errorType":"error-not-allowed"}""";
    const string NotImpersonate = """400 {"success":false,"error":"Not enough permission"}""";
    const string NoEmails = "200!\"emails\"";
    const string InvalidMessage = """400 {"success":false,"error":"invalid-message"}""";

    /// <summary>The widget's page exists when the build could fetch it with npm; otherwise /livechat says it is missing.</summary>
    static string WidgetIndex => File.Exists(Path.Combine(AppContext.BaseDirectory, "livechat-widget", "index.html"))
        ? "200~SERVER_URL" : "404~not installed";

    const string CommentRequired = """400 {"success":false,"error":"error-comment-is-required"}""";

    /// <summary>Method and route pattern of every endpoint, as the rows name them.</summary>
    public static List<string> MappedEndpoints(LivechatServerFactory factory)
    {
        _ = factory.Server;
        // The console's files (one literal route per file of the build, its name fingerprinted) take no input; the
        // {**path:file} row stands for them.
        return factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is not { } raw || raw.StartsWith('/') || raw.Contains('{'))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} {e.RoutePattern.RawText}"))
            .ToList();
    }

    /// <summary>A method that returned <c>true</c>, inside a 200 <c>method.call</c> answer.</summary>
    static string MethodTrue => "200 " + System.Text.Json.JsonSerializer.Serialize(new { message = "{\"msg\":\"result\",\"id\":\"7\",\"result\":true}", success = true });

    /// <summary>A method error travels inside a 200 <c>method.call</c> answer.</summary>
    static string MethodError(string code, string reason)
    {
        var error = code == "404" ? "404" : $"\"{code}\"";
        var inner = "{\"msg\":\"result\",\"id\":\"7\",\"error\":{\"isClientSafe\":true,\"error\":" + error + ",\"reason\":\"" + reason
            + "\",\"message\":\"" + reason + " [" + code + "]\",\"errorType\":\"Meteor.Error\"}}";
        return "200 " + System.Text.Json.JsonSerializer.Serialize(new { message = inner, success = true });
    }
}
