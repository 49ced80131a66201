using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.Departments;

public abstract class DepartmentEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task CreateGetUpdateAndListADepartment()
    {
        var agent = await factory.CreateAgentAsync();
        var admin = await factory.AdminAsync();
        var name = TestUsers.Unique("Sales");

        var created = await admin.PostAsync("livechat/department", new
        {
            department = new { enabled = true, name, email = "s@example.com", showOnRegistration = true, showOnOfflineForm = false },
            agents = new[] { new { agentId = agent.Id, count = 0, order = 1 } },
        });

        var d = created.Ok().Json.GetProperty("department");
        var a = created.Json.GetProperty("agents")[0];
        var department = $$"""
            {"_id":"{{d.Str("_id")}}","name":"{{name}}","enabled":true,"email":"s@example.com","showOnRegistration":true,
            "showOnOfflineForm":false,"numAgents":1,"_updatedAt":"{{d.Str("_updatedAt")}}"}
            """;
        var agents = $$"""
            [{"_id":"{{a.Str("_id")}}","agentId":"{{agent.Id}}","departmentId":"{{d.Str("_id")}}","username":"{{agent.Username}}",
            "count":0,"order":1,"departmentEnabled":true}]
            """;
        created.Is(200, $$"""{"department":{{department}},"agents":{{agents}},"success":true}""");
        (await admin.GetAsync($"livechat/department/{d.Str("_id")}")).Is(200, $$"""{"department":{{department}},"agents":{{agents}},"success":true}""");
        (await admin.GetAsync($"livechat/department?text={name}")).Is(200, $$"""{"departments":[{{department}}],"count":1,"offset":0,"total":1,"success":true}""");
        (await admin.GetAsync("livechat/department/nope")).Is(200, """{"department":null,"agents":[],"success":true}""");
        var updated = await admin.PutAsync($"livechat/department/{d.Str("_id")}", new
        {
            department = new { enabled = true, name, email = "s@example.com", showOnRegistration = true, showOnOfflineForm = true, description = "d" },
        });
        Assert.Equal("d", updated.Ok().Json.GetProperty("department").Str("description"));
        (await admin.PutAsync("livechat/department/nope", new { department = new { enabled = true, name, email = "e", showOnRegistration = true, showOnOfflineForm = true } }))
            .Is(400, """{"success":false,"error":"Department not found [error-department-not-found]","errorType":"error-department-not-found"}""");
        (await admin.PostAsync("livechat/department", new { department = new { name } }))
            .Is(400, """{"success":false,"error":"must have required property 'enabled' [invalid-params]","errorType":"invalid-params"}""");
    }

    [Fact]
    public async Task DepartmentAgentsAreUpsertedAndRemoved()
    {
        var first = await factory.CreateAgentAsync();
        var second = await factory.CreateAgentAsync();
        var id = await factory.CreateDepartmentAsync(null, first);
        var admin = await factory.AdminAsync();

        var saved = await admin.PostAsync($"livechat/department/{id}/agents",
            new { upsert = new[] { new { agentId = second.Id } }, remove = new[] { new { agentId = first.Id } } });

        saved.Is(200, """{"success":true}""");
        var list = (await admin.GetAsync($"livechat/department/{id}/agents")).Ok().Json;
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(second.Id, list.GetProperty("agents")[0].Str("agentId"));
        (await admin.PostAsync("livechat/department/nope/agents", new { upsert = Array.Empty<object>(), remove = Array.Empty<object>() }))
            .Is(400, """{"success":false,"error":"Department not found [error-department-not-found]","errorType":"error-department-not-found"}""");
    }

    [Fact]
    public async Task DeletingHonoursTheRemovalSetting()
    {
        var id = await factory.CreateDepartmentAsync();
        var admin = await factory.AdminAsync();

        var refused = await admin.DeleteAsync($"livechat/department/{id}");
        await factory.SetSettingAsync("Omnichannel_enable_department_removal", true);
        try
        {
            var deleted = await admin.DeleteAsync($"livechat/department/{id}");
            var again = await admin.DeleteAsync($"livechat/department/{id}");

            refused.Is(400, """{"success":false,"error":"error-department-removal-disabled"}""");
            deleted.Is(200, """{"success":true}""");
            again.Is(400, """{"success":false,"error":"Department not found [department-not-found]","errorType":"department-not-found"}""");
        }
        finally
        {
            await factory.SetSettingAsync("Omnichannel_enable_department_removal", false);
        }
    }

    [Fact]
    public async Task EditingADepartmentNeedsManageDepartmentsAndItsAgentsNeedAddAgents()
    {
        var admin = await factory.AdminAsync();
        var monitor = await factory.CreateUserAsync("user", "livechat-monitor");
        var agent = await factory.CreateAgentAsync();
        var id = await factory.CreateDepartmentAsync();
        var name = (await admin.GetAsync($"livechat/department/{id}")).Ok().Json.GetProperty("department").Str("name");
        object Body(string description) => new
        {
            department = new { enabled = true, name, email = "d@example.com", showOnRegistration = true, showOnOfflineForm = true, description },
            agents = new[] { new { agentId = agent.Id } },
        };
        async Task<string[]> AgentsAsync() => (await admin.GetAsync($"livechat/department/{id}/agents")).Ok().Json.GetProperty("agents")
            .EnumerateArray().Select(a => a.Str("agentId")).ToArray();
        async Task GrantAsync(string permission, params string[] roles) =>
            (await admin.PostAsync("permissions.update", new { permissions = new[] { new { _id = permission, roles } } })).Ok();
        try
        {
            // Only add-livechat-department-agents: the department's data stays as it is; its agents change through /agents.
            await GrantAsync("manage-livechat-departments", "livechat-manager", "admin");
            (await monitor.Api.PutAsync($"livechat/department/{id}", Body("taken over"))).Is(400, """{"success":false,"error":"error-not-allowed"}""");
            Assert.False((await admin.GetAsync($"livechat/department/{id}")).Ok().Json.GetProperty("department").TryGetProperty("description", out _));
            Assert.Empty(await AgentsAsync());
            (await monitor.Api.PostAsync($"livechat/department/{id}/agents", new { upsert = new[] { new { agentId = agent.Id } }, remove = Array.Empty<object>() }))
                .Is(200, """{"success":true}""");
            Assert.Equal([agent.Id], await AgentsAsync());

            // Only manage-livechat-departments: the data changes, the agents listed in the body are left alone.
            await GrantAsync("manage-livechat-departments", "livechat-manager", "livechat-monitor", "admin");
            await GrantAsync("add-livechat-department-agents", "livechat-manager", "admin");
            (await monitor.Api.PostAsync($"livechat/department/{id}/agents", new { upsert = Array.Empty<object>(), remove = new[] { new { agentId = agent.Id } } }))
                .Ok();
            var saved = (await monitor.Api.PutAsync($"livechat/department/{id}", Body("edited"))).Ok().Json;
            Assert.Equal("edited", saved.GetProperty("department").Str("description"));
            Assert.Equal(0, saved.GetProperty("agents").GetArrayLength());
        }
        finally
        {
            await GrantAsync("manage-livechat-departments", "livechat-manager", "livechat-monitor", "admin");
            await GrantAsync("add-livechat-department-agents", "livechat-manager", "livechat-monitor", "admin");
        }
    }
}

public sealed class DepartmentEndpointsSqliteTests(SqliteServerFactory factory) : DepartmentEndpointsTests<SqliteServerFactory>(factory);

public sealed class DepartmentEndpointsPostgresTests(PostgresServerFactory factory) : DepartmentEndpointsTests<PostgresServerFactory>(factory);
