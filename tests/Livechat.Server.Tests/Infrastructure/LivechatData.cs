using System.Text.Json;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>Livechat test data made through the API: agents, departments, visitors, rooms.</summary>
public static class LivechatData
{
    /// <summary>
    /// A user made an agent through <c>POST livechat/users/agent</c> (status available) who set themselves online with
    /// <c>users.setStatus</c> (routing takes online agents only); <paramref name="online"/> false leaves them offline.
    /// </summary>
    public static async Task<TestUser> CreateAgentAsync(this LivechatServerFactory factory, bool online = true)
    {
        var user = await factory.CreateUserAsync();
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/users/agent", new { username = user.Username })).Ok();
        if (online) (await user.Api.PostAsync("users.setStatus", new { status = "online" })).Ok();
        return user;
    }

    /// <summary>A department with these agents; returns its id.</summary>
    public static async Task<string> CreateDepartmentAsync(this LivechatServerFactory factory, object? extra = null, params TestUser[] agents)
    {
        var admin = await factory.AdminAsync();
        var department = new Dictionary<string, object?>
        {
            ["enabled"] = true,
            ["name"] = TestUsers.Unique("dep"),
            ["email"] = "dep@example.com",
            ["showOnRegistration"] = true,
            ["showOnOfflineForm"] = true,
        };
        if (extra is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) department[p.Name] = p.Value;
        }
        var reply = (await admin.PostAsync("livechat/department", new { department, agents = agents.Select(a => new { agentId = a.Id }) })).Ok();
        return reply.Json.GetProperty("department").GetProperty("_id").GetString()!;
    }

    /// <summary>Registers a visitor with a fresh token; returns the token and the visitor document.</summary>
    public static async Task<(string Token, JsonElement Visitor)> CreateVisitorAsync(this LivechatServerFactory factory, string? department = null,
        string? name = null)
    {
        var token = TestUsers.Unique("tok");
        var reply = (await factory.Anonymous().PostAsync("livechat/visitor", new { visitor = new { token, department, name } })).Ok();
        return (token, reply.Json.GetProperty("visitor"));
    }

    /// <summary>Opens the visitor's room, served by <paramref name="agent"/> when given (Auto_Selection's preferred agent).</summary>
    public static async Task<JsonElement> OpenRoomAsync(this LivechatServerFactory factory, string token, TestUser? agent = null)
    {
        var path = agent is null ? $"livechat/room?token={token}" : $"livechat/room?token={token}&agentId={agent.Id}";
        return (await factory.Anonymous().GetAsync(path)).Ok().Json.GetProperty("room");
    }

    /// <summary>A new visitor's room left queued (opened under Manual_Selection), with no serving agent.</summary>
    public static async Task<JsonElement> OpenQueuedRoomAsync(this LivechatServerFactory factory)
    {
        // A room opens only while some agent is available, whatever the routing method.
        await factory.CreateAgentAsync();
        await factory.SetSettingAsync("Livechat_Routing_Method", "Manual_Selection");
        try
        {
            var (token, _) = await factory.CreateVisitorAsync();
            return await factory.OpenRoomAsync(token);
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_Routing_Method", "Auto_Selection");
        }
    }

    /// <summary>A room served by a new agent, in a department of its own.</summary>
    public static async Task<(JsonElement Room, string Token, TestUser Agent, string Department)> CreateServedRoomAsync(this LivechatServerFactory factory)
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var (token, _) = await factory.CreateVisitorAsync(department);
        var room = await factory.OpenRoomAsync(token);
        return (room, token, agent, department);
    }

    public static async Task SetSettingAsync(this LivechatServerFactory factory, string id, object value)
    {
        var admin = await factory.AdminAsync();
        (await admin.PostAsync($"settings/{id}", new { value })).Ok();
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
}
