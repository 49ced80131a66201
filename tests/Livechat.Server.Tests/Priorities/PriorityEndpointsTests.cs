using Livechat.Server.Http;
using Livechat.Server.Priorities;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.Priorities;

/// <summary>Priorities are global: only <see cref="RenamingAndResettingPrioritiesFollowsRocketChat"/> changes them, and it resets them at the end.</summary>
public abstract class PriorityEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    async Task<Dictionary<string, Priority>> PrioritiesByI18nAsync() =>
        await factory.WithDbAsync(db => db.Priorities.AsNoTracking().ToDictionaryAsync(p => p.I18n));

    static string Json(Priority p) =>
        $$"""{"_id":"{{p.Id}}","i18n":"{{p.I18n}}","sortItem":{{p.SortItem}},"dirty":false,"_updatedAt":"{{JsonSetup.FormatDate(p.UpdatedAt)}}"}""";

    [Fact]
    public async Task TheFiveSeededPrioritiesAreListedWithTheirI18nKeysAndSortItems()
    {
        var admin = await factory.AdminAsync();
        var seeded = await PrioritiesByI18nAsync();

        var reply = await admin.GetAsync("livechat/priorities");

        var items = string.Join(",", DefaultPriorities.All.Select(d => d.I18n).Select(i => Json(seeded[i])));
        reply.Is(200, $$"""{"priorities":[{{items}}],"count":5,"offset":0,"total":5,"success":true}""");
        Assert.All(seeded.Values, p => Assert.Matches("^[0-9a-f]{24}$", p.Id));
        Assert.Equal([1, 2, 3, 4, 5], seeded.Values.Select(p => p.SortItem).Order());
    }

    [Fact]
    public async Task ListingPrioritiesFiltersByTextPagesAndSorts()
    {
        var admin = await factory.AdminAsync();
        var seeded = await PrioritiesByI18nAsync();

        var high = await admin.GetAsync("livechat/priorities?text=IGH");
        var low = await admin.GetAsync("livechat/priorities?text=low&sort={\"sortItem\":-1}&offset=1&count=1");

        high.Is(200, $$"""{"priorities":[{{Json(seeded["Highest"])}},{{Json(seeded["High"])}}],"count":2,"offset":0,"total":2,"success":true}""");
        low.Is(200, $$"""{"priorities":[{{Json(seeded["Low"])}}],"count":1,"offset":1,"total":2,"success":true}""");
    }

    [Fact]
    public async Task GettingAPriorityAnswersItsFieldsMergedWithSuccessOr404()
    {
        var admin = await factory.AdminAsync();
        var medium = (await PrioritiesByI18nAsync())["Medium"];

        var found = await admin.GetAsync($"livechat/priorities/{medium.Id}");
        var missing = await admin.GetAsync("livechat/priorities/0123456789abcdef01234567");

        found.Is(200, Json(medium)[..^1] + ""","success":true}""");
        missing.Is(404, """{"success":false,"error":"Priority with id 0123456789abcdef01234567 not found"}""");
    }

    [Fact]
    public async Task PriorityRoutesAnswer403WithoutThePermissionAndReadsNeedOnlyViewLRoom()
    {
        var user = await factory.CreateUserAsync();
        var agent = await factory.CreateUserAsync("user", "livechat-agent");
        var id = (await PrioritiesByI18nAsync())["Low"].Id;

        (await user.Api.GetAsync("livechat/priorities")).Is(403, TestData.Forbidden);
        (await user.Api.GetAsync($"livechat/priorities/{id}")).Is(403, TestData.Forbidden);
        (await agent.Api.PutAsync($"livechat/priorities/{id}", new { name = "x" })).Is(403, TestData.Forbidden);
        (await agent.Api.GetAsync("livechat/priorities.reset")).Is(403, TestData.Forbidden);
        (await agent.Api.PostAsync("livechat/priorities.reset")).Is(403, TestData.Forbidden);
        (await agent.Api.GetAsync("livechat/priorities")).Ok();
        (await agent.Api.GetAsync($"livechat/priorities/{id}")).Ok();
    }

    [Fact]
    public async Task RenamingAndResettingPrioritiesFollowsRocketChat()
    {
        var admin = await factory.AdminAsync();
        var seeded = await PrioritiesByI18nAsync();
        var high = seeded["High"].Id;
        var low = seeded["Low"].Id;

        (await admin.GetAsync("livechat/priorities.reset")).Is(200, """{"reset":false,"success":true}""");
        (await admin.PostAsync("livechat/priorities.reset")).Is(400, """{"success":false}""");
        (await admin.PutAsync($"livechat/priorities/{high}", new { name = "  Urgent  " })).Is(200, """{"success":true}""");
        var renamed = await admin.GetAsync($"livechat/priorities/{high}");
        var updatedAt = renamed.Json.GetProperty("_updatedAt").GetString();
        renamed.Is(200, $$"""{"_id":"{{high}}","i18n":"High","sortItem":2,"dirty":true,"name":"Urgent","_updatedAt":"{{updatedAt}}","success":true}""");
        Assert.Equal(high, (await admin.GetAsync("livechat/priorities?text=urg")).Ok().Json.GetProperty("priorities")[0].GetProperty("_id").GetString());
        (await admin.PutAsync($"livechat/priorities/{low}", new { name = "URGENT" })).Is(400, """{"success":false,"error":"error-duplicate-priority-name"}""");
        (await admin.PutAsync("livechat/priorities/0123456789abcdef01234567", new { name = "Nobody" }))
            .Is(400, """{"success":false,"error":"error-unable-to-update-priority"}""");
        (await admin.PutAsync($"livechat/priorities/{low}", new { })).Is(400,
            """{"success":false,"error":"must have required property 'name' [invalid-params]","errorType":"invalid-params"}""");
        (await admin.PutAsync($"livechat/priorities/{low}", new { name = "x", extra = 1 })).Is(400,
            """{"success":false,"error":"must NOT have additional properties [invalid-params]","errorType":"invalid-params"}""");
        (await admin.GetAsync("livechat/priorities.reset")).Is(200, """{"reset":true,"success":true}""");

        (await admin.PutAsync($"livechat/priorities/{high}", new { reset = true })).Is(200, """{"success":true}""");
        var reset = (await admin.GetAsync($"livechat/priorities/{high}")).Ok().Json;
        Assert.False(reset.TryGetProperty("name", out _));
        Assert.False(reset.GetProperty("dirty").GetBoolean());

        (await admin.PutAsync($"livechat/priorities/{low}", new { name = "Later" })).Ok();
        (await admin.PostAsync("livechat/priorities.reset")).Is(200, """{"success":true}""");
        (await admin.GetAsync("livechat/priorities.reset")).Is(200, """{"reset":false,"success":true}""");
        var after = await PrioritiesByI18nAsync();
        Assert.All(after.Values, p => Assert.Null(p.Name));
        Assert.Equal(4, after["Low"].SortItem);
    }

    [Fact]
    public async Task SeedingAgainKeepsExactlyFivePriorities()
    {
        await factory.WithDbAsync(db => DefaultPriorities.SeedAsync(db, DateTime.UtcNow, CancellationToken.None));

        var count = await factory.WithDbAsync(db => db.Priorities.CountAsync());

        Assert.Equal(5, count);
    }
}

public sealed class PriorityEndpointsSqliteTests(SqliteServerFactory factory) : PriorityEndpointsTests<SqliteServerFactory>(factory);

public sealed class PriorityEndpointsPostgresTests(PostgresServerFactory factory) : PriorityEndpointsTests<PostgresServerFactory>(factory);
