using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Agents;

public abstract class AgentEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task AddingAnAgentGrantsTheRoleAndMakesItAvailable()
    {
        var user = await factory.CreateUserAsync();
        var admin = await factory.AdminAsync();

        var added = await admin.PostAsync("livechat/users/agent", new { username = user.Username });
        var fetched = await admin.GetAsync($"livechat/users/agent/{user.Id}");
        var listed = await admin.GetAsync($"livechat/users/agent?text={user.Username}");

        added.Is(200, $$"""{"user":{"_id":"{{user.Id}}","username":"{{user.Username}}"},"success":true}""");
        var agent = $$"""
            {"_id":"{{user.Id}}","username":"{{user.Username}}","name":"Name {{user.Username}}","status":"online","statusLivechat":"available",
            "emails":[{"address":"{{user.Username}}@example.com","verified":true}]}
            """;
        fetched.Is(200, $$"""{"user":{{agent}},"success":true}""");
        listed.Is(200, $$"""{"users":[{{agent}}],"count":1,"offset":0,"total":1,"success":true}""");
    }

    [Fact]
    public async Task RemovingAnAgentRevokesTheRole()
    {
        var agent = await factory.CreateAgentAsync();
        var admin = await factory.AdminAsync();

        var removed = await admin.DeleteAsync($"livechat/users/agent/{agent.Id}");

        removed.Is(200, """{"success":true}""");
        (await admin.GetAsync($"livechat/users/agent/{agent.Id}")).Is(200, """{"user":null,"success":true}""");
        (await admin.DeleteAsync($"livechat/users/agent/{agent.Id}")).Is(200, """{"success":true}""");
        (await admin.DeleteAsync("livechat/users/agent/nope")).Is(400, """{"success":false,"error":"error-invalid-user"}""");
    }

    [Fact]
    public async Task AgentEndpointsAnswerRocketChatErrors()
    {
        var admin = await factory.AdminAsync();
        var agent = await factory.CreateAgentAsync();

        (await admin.PostAsync("livechat/users/agent", new { username = "nobody-here" })).Is(400, """{"success":false,"error":"error-invalid-user"}""");
        (await admin.PostAsync("livechat/users/boss", new { username = "x" })).Is(400, """{"success":false,"error":"Invalid type"}""");
        (await admin.PostAsync("livechat/users/agent", new { })).Is(400,
            """{"success":false,"error":"must have required property 'username' [invalid-params]","errorType":"invalid-params"}""");
        (await agent.Api.GetAsync("livechat/users/manager")).Is(403, """{"success":false,"error":"unauthorized"}""");
        (await agent.Api.PostAsync("livechat/users/agent", new { username = "x" })).Is(403,
            """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""");
    }

    [Fact]
    public async Task AgentStatusTogglesAndChecksOtherAgents()
    {
        var agent = await factory.CreateAgentAsync();
        var other = await factory.CreateAgentAsync();

        var off = await agent.Api.PostAsync("livechat/agent.status", new { status = "not-available" });
        var same = await agent.Api.PostAsync("livechat/agent.status", new { status = "not-available" });
        var toggled = await agent.Api.PostAsync("livechat/agent.status", new { });

        off.Is(200, """{"status":"not-available","success":true}""");
        same.Is(200, """{"status":"not-available","success":true}""");
        toggled.Is(200, """{"status":"available","success":true}""");
        (await agent.Api.PostAsync("livechat/agent.status", new { status = "not-available", agentId = other.Id })).Is(403, """{"success":false,"error":"unauthorized"}""");
        (await agent.Api.PostAsync("livechat/agent.status", new { agentId = "nope" })).Is(404, """{"success":false,"error":"Agent not found"}""");
        (await agent.Api.PostAsync("livechat/agent.status", new { status = "busy" })).Is(400,
            """{"success":false,"error":"must be equal to one of the allowed values [invalid-params]","errorType":"invalid-params"}""");
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/agent.status", new { status = "not-available", agentId = other.Id })).Is(200, """{"status":"not-available","success":true}""");
    }

    [Fact]
    public async Task OnlyHoldersOfManageLivechatManagersGrantOrRevokeTheManagerRole()
    {
        var admin = await factory.AdminAsync();
        var monitor = await factory.CreateUserAsync("user", "livechat-monitor");
        var manager = await factory.CreateUserAsync("user", "livechat-manager");
        const string denied = """{"success":false,"error":"User does not have the permissions required for this action [error-unauthorized]"}""";

        (await monitor.Api.PostAsync("livechat/users/manager", new { username = monitor.Username })).Is(403, denied);
        (await monitor.Api.DeleteAsync($"livechat/users/manager/{manager.Id}")).Is(403, denied);
        (await admin.GetAsync($"livechat/users/manager/{monitor.Id}")).Is(200, """{"user":null,"success":true}""");
        Assert.NotNull((await admin.GetAsync($"livechat/users/manager/{manager.Id}")).Ok().Json.GetProperty("user").Str("_id"));

        (await manager.Api.PostAsync("livechat/users/manager", new { username = monitor.Username })).Ok();
        Assert.Equal(monitor.Id, (await admin.GetAsync($"livechat/users/manager/{monitor.Id}")).Ok().Json.GetProperty("user").Str("_id"));
        (await manager.Api.DeleteAsync($"livechat/users/manager/{monitor.Id}")).Is(200, """{"success":true}""");
        // The agent type keeps Rocket.Chat's view-livechat-manager.
        (await monitor.Api.PostAsync("livechat/users/agent", new { username = monitor.Username })).Ok();
    }
}

public sealed class AgentEndpointsSqliteTests(SqliteServerFactory factory) : AgentEndpointsTests<SqliteServerFactory>(factory);

public sealed class AgentEndpointsPostgresTests(PostgresServerFactory factory) : AgentEndpointsTests<PostgresServerFactory>(factory);
