using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Client.Tests;

/// <summary>The manager's catalogues: tags, SLAs, priorities, custom fields, departments, agents and managers, settings, users, webhooks.</summary>
public abstract class CatalogueTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task TagsAreCreatedListedByDepartmentRenamedAndDeleted()
    {
        using var admin = await factory.AdminClientAsync();
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        using var agentClient = await factory.ClientAsync(agent);
        var name = TestUsers.Unique("tag");

        var created = await admin.Tags.SaveAsync(null, name, "VIP customers", [department]);
        var forDepartment = await agentClient.Tags.ListAsync(name, department: department);
        var forManager = await admin.Tags.ListAsync(name, viewAll: true);
        var hiddenFromOthers = await admin.Tags.ListAsync(name);
        var renamed = await admin.Tags.SaveAsync(created.Id, name + "-x", null, []);
        await admin.Tags.DeleteAsync(created.Id);

        Assert.Equal((name, "VIP customers", 1), (created.Name, created.Description, created.NumDepartments));
        Assert.Equal([department], created.Departments);
        Assert.Equal(created.Id, Assert.Single(forDepartment.Items).Id);
        Assert.Equal(created.Id, Assert.Single(forManager.Items).Id);
        Assert.Empty(hiddenFromOthers.Items);
        Assert.Equal((name + "-x", 0), (renamed.Name, renamed.NumDepartments));
        var gone = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Tags.GetAsync(created.Id));
        Assert.Equal((404, "Tag not found"), (gone.Status, gone.Error));
    }

    [Fact]
    public async Task PagingAllReadsAListPastOnePage()
    {
        using var admin = await factory.AdminClientAsync();
        var prefix = TestUsers.Unique("paged");
        foreach (var i in Enumerable.Range(0, 5)) await admin.Tags.SaveAsync(null, $"{prefix}-{i}");
        var requests = new List<PageRequest>();

        var all = await Paging.AllAsync((page, ct) =>
        {
            requests.Add(page);
            return admin.Tags.ListAsync(prefix, viewAll: true, page: page, cancellationToken: ct);
        }, pageSize: 2, sort: ("name", 1));

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}"), all.Select(t => t.Name));
        Assert.Equal([new PageRequest(2, 0, ("name", 1)), new PageRequest(2, 2, ("name", 1)), new PageRequest(2, 4, ("name", 1))], requests);
    }

    [Fact]
    public async Task SlasAreCreatedUpdatedAndDeleted()
    {
        using var admin = await factory.AdminClientAsync();
        var name = TestUsers.Unique("Gold");
        var minutes = Random.Shared.Next(1000, 1_000_000);

        var sla = await admin.Slas.CreateAsync(new SlaData { Name = name, DueTimeInMinutes = minutes });
        var duplicate = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Slas.CreateAsync(new SlaData { Name = name, DueTimeInMinutes = 1 }));
        var updated = await admin.Slas.UpdateAsync(sla.Id, new SlaData { Name = name, Description = "fast", DueTimeInMinutes = minutes + 1 });
        var listed = await admin.Slas.ListAsync(name);
        await admin.Slas.DeleteAsync(sla.Id);

        Assert.Equal((name, minutes), (sla.Name, sla.DueTimeInMinutes));
        Assert.Equal("error-duplicated-sla", duplicate.Error);
        Assert.Equal(("fast", minutes + 1), (updated.Description, updated.DueTimeInMinutes));
        Assert.Equal(sla.Id, Assert.Single(listed.Items).Id);
        Assert.Equal(404, (await Assert.ThrowsAsync<LivechatApiException>(() => admin.Slas.GetAsync(sla.Id))).Status);
    }

    [Fact]
    public async Task PrioritiesAreListedInWeightOrderRenamedAndReset()
    {
        using var admin = await factory.AdminClientAsync();

        var priorities = await admin.Priorities.ListAsync();
        var high = priorities.Items[1];
        var name = TestUsers.Unique("Urgent");
        await admin.Priorities.RenameAsync(high.Id, name);
        var renamed = await admin.Priorities.GetAsync(high.Id);
        await admin.Priorities.ResetAsync(high.Id);

        Assert.Equal(["Highest", "High", "Medium", "Low", "Lowest"], priorities.Items.Select(p => p.I18n));
        Assert.Equal((name, true, name), (renamed.Name, renamed.Dirty, renamed.DisplayName));
        var reset = await admin.Priorities.GetAsync(high.Id);
        Assert.Equal((null, false, "High"), (reset.Name, reset.Dirty, reset.DisplayName));
    }

    [Fact]
    public async Task CustomFieldsAreSavedListedAndDeleted()
    {
        using var admin = await factory.AdminClientAsync();
        var id = TestUsers.Unique("field");

        var saved = await admin.CustomFields.SaveAsync(null, new CustomFieldData
        {
            Field = id, Label = "Plan", Scope = "visitor", Type = "select", Options = "free, pro", Required = true, Regexp = "^\\w+$",
        });
        var updated = await admin.CustomFields.SaveAsync(id, new CustomFieldData { Field = id, Label = "Plan name" });
        var all = await admin.CustomFields.ListAllAsync();
        var invalid = await Assert.ThrowsAsync<LivechatApiException>(() =>
            admin.CustomFields.SaveAsync(null, new CustomFieldData { Field = "bad name", Label = "x" }));
        await admin.CustomFields.DeleteAsync(id);

        Assert.Equal((id, "Plan", "visitor", true), (saved.Id, saved.Label, saved.Scope, saved.IsRequired));
        Assert.Equal(["free", "pro"], saved.OptionList);
        Assert.Equal(("Plan name", "room"), (updated.Label, updated.Scope));
        Assert.Contains(all, f => f.Id == id);
        Assert.Equal("Invalid custom field name. Use only letters, numbers, hyphens and underscores.", invalid.Error);
        Assert.Null(await admin.CustomFields.GetAsync(id));
    }

    [Fact]
    public async Task DepartmentsAreCreatedWithAgentsUpdatedAndDeleted()
    {
        using var admin = await factory.AdminClientAsync();
        var agent = await factory.CreateAgentAsync();
        var second = await factory.CreateAgentAsync();
        var name = TestUsers.Unique("Sales");
        await admin.Settings.SetAsync("Omnichannel_enable_department_removal", true);

        var created = await admin.Departments.CreateAsync(new DepartmentData { Name = name, Email = "sales@example.com" },
            [new DepartmentAgentEntry { AgentId = agent.Id }]);
        var updated = await admin.Departments.UpdateAsync(created.Department.Id,
            new DepartmentData { Name = name, Email = "sales@example.com", RequestTagBeforeClosingChat = true, ChatClosingTags = ["sale"] });
        await admin.Departments.SaveAgentsAsync(created.Department.Id, [new DepartmentAgentEntry { AgentId = second.Id }], [agent.Id]);
        var agents = await admin.Departments.AgentsAsync(created.Department.Id);
        var listed = await admin.Departments.ListAsync(name);
        await admin.Departments.DeleteAsync(created.Department.Id);

        Assert.Equal((name, true), (created.Department.Name, created.Department.Enabled));
        Assert.Equal(agent.Id, Assert.Single(created.Agents).AgentId);
        Assert.True(updated.Department.RequestTagBeforeClosingChat);
        Assert.Equal(["sale"], updated.Department.ChatClosingTags);
        Assert.Equal(second.Id, Assert.Single(agents.Items).AgentId);
        Assert.Equal(created.Department.Id, Assert.Single(listed.Items).Id);
        Assert.Null(await admin.Departments.GetAsync(created.Department.Id));
    }

    [Fact]
    public async Task AgentsAndManagersAreAddedListedAndRemoved()
    {
        using var admin = await factory.AdminClientAsync();
        var user = await factory.CreateUserAsync();

        await admin.Agents.AddAsync(user.Username);
        await admin.Managers.AddAsync(user.Username);
        var agent = await admin.Agents.GetAsync(user.Id);
        var managers = await admin.Managers.ListAsync(user.Username);
        await admin.Agents.RemoveAsync(user.Id);

        Assert.Equal((user.Username, AgentStatus.Available), (agent!.Username, agent.StatusLivechat));
        Assert.Equal(user.Id, Assert.Single(managers.Items).Id);
        Assert.Null(await admin.Agents.GetAsync(user.Id));
        var unknown = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Agents.AddAsync(TestUsers.Unique("nobody")));
        Assert.Equal("error-invalid-user", unknown.Error);
    }

    [Fact]
    public async Task SettingsAreReadAndWritten()
    {
        using var admin = await factory.AdminClientAsync();
        var url = $"https://crm.example.com/{TestUsers.Unique("hook")}";
        var before = await admin.Settings.GetStringAsync(SettingIds.WebhookUrl);

        await admin.Settings.SetAsync(SettingIds.WebhookUrl, url);
        var read = await admin.Settings.GetAsync(SettingIds.WebhookUrl);
        var wrongType = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Settings.SetAsync(SettingIds.EnableCors, "yes"));
        await admin.Settings.SetAsync(SettingIds.WebhookUrl, before ?? "");

        Assert.Equal((SettingIds.WebhookUrl, url), (read.Id, read.Value.GetString()));
        Assert.Equal(400, wrongType.Status);
        Assert.Equal(false, await admin.Settings.GetBooleanAsync(SettingIds.EnableCors));
        Assert.Equal("Auto_Selection", await admin.Settings.GetStringAsync(SettingIds.RoutingMethod));
    }

    [Fact]
    public async Task UsersAreCreatedAndRead()
    {
        using var admin = await factory.AdminClientAsync();
        var username = TestUsers.Unique("jane");

        var created = await admin.Users.CreateAsync(new CreateUserRequest
        {
            Username = username, Name = "Jane", Email = $"{username}@example.com", Password = "pass-W0rd!", Roles = ["user", "livechat-agent"],
        });
        var byId = await admin.Users.GetAsync(created.Id);
        var byName = await admin.Users.GetByUsernameAsync(username);

        Assert.Equal((username, "Jane", $"{username}@example.com"), (created.Username, created.Name, created.Emails[0].Address));
        Assert.Equal(["user", "livechat-agent"], byId.Roles);
        Assert.Equal(created.Id, byName.Id);
    }

    [Fact]
    public async Task PermissionsOfTheLoggedInUserFollowTheirRoles()
    {
        using var admin = await factory.AdminClientAsync();
        var agent = await factory.CreateAgentAsync();
        using var agentClient = await factory.ClientAsync(agent);

        var adminPermissions = await admin.Permissions.MineAsync();
        var agentPermissions = await agentClient.Permissions.MineAsync();

        Assert.Contains("view-livechat-rooms", adminPermissions);
        Assert.Contains("view-l-room", agentPermissions);
        Assert.DoesNotContain("manage-livechat-tags", agentPermissions);
    }

    [Fact]
    public async Task WebhookDeliveriesAreListedAndFiltered()
    {
        using var admin = await factory.AdminClientAsync();

        var all = await admin.Webhooks.DeliveriesAsync(page: new PageRequest(Count: 5));
        var invalid = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Webhooks.DeliveriesAsync(status: "lost"));

        Assert.Equal(0, all.Offset);
        Assert.Equal("invalid-params", invalid.ErrorType);
        Assert.Contains("pending, delivered, failed", invalid.Error, StringComparison.Ordinal);
        var agent = await factory.CreateAgentAsync();
        using var agentClient = await factory.ClientAsync(agent);
        Assert.Equal(403, (await Assert.ThrowsAsync<LivechatApiException>(() => agentClient.Webhooks.DeliveriesAsync())).Status);
    }
}

public sealed class CatalogueSqliteTests(SqliteServerFactory factory) : CatalogueTests<SqliteServerFactory>(factory);

public sealed class CataloguePostgresTests(PostgresServerFactory factory) : CatalogueTests<PostgresServerFactory>(factory);
