using System.Text;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Security;

/// <summary>
/// The callers and data the permission matrix and the fuzzer talk about: one user per <see cref="Role"/>, a
/// department whose agent serves the visitor's open room, and one of each catalogue item.
/// </summary>
public sealed class MatrixWorld
{
    public required LivechatServerFactory Factory { get; init; }
    public required IReadOnlyDictionary<Role, (string Id, string Username, string Password, string Token)> Users { get; init; }
    public required string RoomId { get; init; }
    public required string VisitorId { get; init; }
    public required string VisitorToken { get; init; }

    /// <summary>A second visitor, whose room waits in the queue (for <c>inquiries.queued</c>).</summary>
    public required string QueuedVisitorId { get; init; }

    public required string QueuedVisitorToken { get; init; }

    /// <summary>Every visitor credential of the world: none may reach a staff member.</summary>
    public IReadOnlyList<string> VisitorTokens => [VisitorToken, QueuedVisitorToken];
    public required string DepartmentId { get; init; }
    public required string TagId { get; init; }
    public required string SlaId { get; init; }
    public required string PriorityId { get; init; }
    public required string FieldId { get; init; }

    public static async Task<MatrixWorld> CreateAsync(LivechatServerFactory factory)
    {
        var admin = await factory.AdminAsync();
        var serving = await factory.CreateAgentAsync();
        var other = await factory.CreateAgentAsync();
        var user = await factory.CreateUserAsync();
        var monitor = await factory.CreateUserAsync("user", "livechat-monitor");
        var manager = await factory.CreateUserAsync("user", "livechat-manager");
        var department = await factory.CreateDepartmentAsync(null, serving);
        var (token, visitor) = await factory.CreateVisitorAsync(department, "Matrix Visitor");
        var room = await factory.OpenRoomAsync(token, serving);
        // A visitor message, so rooms carry a lastMessage and message lists a visitor's message.
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid = room.Str("_id"), msg = "matrix visitor message" })).Ok();
        var queued = await factory.OpenQueuedRoomAsync();
        var tag = (await admin.PostAsync("livechat/tags.save", new { tagData = new { name = TestUsers.Unique("tag") }, tagDepartments = Array.Empty<string>() }))
            .Ok().Json.Str("_id");
        var sla = (await admin.PostAsync("livechat/sla", new { name = TestUsers.Unique("sla"), dueTimeInMinutes = Random.Shared.Next(1000, 900_000) }))
            .Ok().Json.GetProperty("sla").Str("_id");
        var priority = (await admin.GetAsync("livechat/priorities")).Ok().Json.GetProperty("priorities")[0].Str("_id");
        var field = TestUsers.Unique("field");
        (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
        Assert.Equal(serving.Id, room.GetProperty("servedBy").Str("_id"));

        static (string, string, string, string) Of(TestUser u) => (u.Id, u.Username, u.Password, u.Api.Token!);
        return new MatrixWorld
        {
            Factory = factory,
            Users = new Dictionary<Role, (string, string, string, string)>
            {
                [Role.User] = Of(user),
                [Role.AgentServing] = Of(serving),
                [Role.AgentNotServing] = Of(other),
                [Role.Monitor] = Of(monitor),
                [Role.Manager] = Of(manager),
                [Role.Admin] = (admin.UserId!, LivechatServerFactory.AdminUsername, LivechatServerFactory.AdminPassword, admin.Token!),
            },
            RoomId = room.Str("_id"),
            VisitorId = visitor.Str("_id"),
            VisitorToken = token,
            QueuedVisitorId = queued.GetProperty("v").Str("_id"),
            QueuedVisitorToken = queued.GetProperty("v").Str("token"),
            DepartmentId = department,
            TagId = tag,
            SlaId = sla,
            PriorityId = priority,
            FieldId = field,
        };
    }

    /// <summary>Fills a row's placeholders for a caller: <c>{token}</c> is the visitor's token only for the visitor.</summary>
    public string Resolve(string text, Role role) => text
        .Replace("{token}", role == Role.Visitor ? VisitorToken : "no-such-token", StringComparison.Ordinal)
        .Replace("{visitorToken}", VisitorToken, StringComparison.Ordinal)
        .Replace("{self}", Users.TryGetValue(role, out var self) ? self.Id : "nobody", StringComparison.Ordinal)
        .Replace("{agent}", Users[Role.AgentServing].Id, StringComparison.Ordinal)
        .Replace("{rid}", RoomId, StringComparison.Ordinal)
        .Replace("{vid}", VisitorId, StringComparison.Ordinal)
        .Replace("{dep}", DepartmentId, StringComparison.Ordinal)
        .Replace("{tag}", TagId, StringComparison.Ordinal)
        .Replace("{sla}", SlaId, StringComparison.Ordinal)
        .Replace("{priority}", PriorityId, StringComparison.Ordinal)
        .Replace("{field}", FieldId, StringComparison.Ordinal);

    /// <summary>The row's request as <paramref name="role"/> sends it, with that role's credentials (or <paramref name="token"/>).</summary>
    public HttpRequestMessage Request(MatrixRow row, Role role, string? token = null)
    {
        var method = row.Method == "*" ? HttpMethod.Get : new HttpMethod(row.Method);
        var request = new HttpRequestMessage(method, Resolve(row.Path, role));
        if (row.Body is not null)
        {
            request.Content = new StringContent(Resolve(row.Body, role), Encoding.UTF8, "application/json");
        }
        Authenticate(request, role, token);
        return request;
    }

    public void Authenticate(HttpRequestMessage request, Role role, string? token = null)
    {
        if (Users.TryGetValue(role, out var user))
        {
            request.Headers.Add("X-User-Id", user.Id);
            request.Headers.Add("X-Auth-Token", token ?? user.Token);
        }
        else if (role == Role.Visitor)
        {
            // The widget's header: it authenticates nothing on the REST API.
            request.Headers.Add("x-visitor-token", VisitorToken);
        }
    }

    /// <summary>A new login token for the role's user, for requests that end the token they use.</summary>
    public async Task<string?> FreshTokenAsync(Role role)
    {
        if (!Users.TryGetValue(role, out var user)) return null;
        var login = await Factory.Anonymous().LoginAsync(user.Username, user.Password);
        return login.Token;
    }
}
