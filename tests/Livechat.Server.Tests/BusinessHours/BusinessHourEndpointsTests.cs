using System.Text.Json;
using Livechat.Server.Scheduling;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.BusinessHours;

/// <summary>
/// Business hours: the endpoints and the DDP save method, and the timed action that opens and closes them for the
/// agents and the widget, on a fake clock. The tests of a class share one server, so each sets the hours it needs and
/// switches business hours off at its end.
/// </summary>
public abstract class BusinessHourEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : ClockedServerFactory
{
    const string SaoPaulo = "America/Sao_Paulo";   // UTC-3 all year

    static object Day(string day, string start, string finish, bool open = true) => new { day, start, finish, open };

    /// <summary>Monday 08:00–18:00 only, in São Paulo.</summary>
    static object MondayOnly(string name = "") => new
    {
        name, type = "default", active = true, timezoneName = SaoPaulo,
        workHours = new[] { Day("Monday", "08:00", "18:00"), Day("Tuesday", "08:00", "18:00", open: false) },
    };

    async Task<string> StatusOfAsync(TestUser agent)
    {
        var admin = await factory.AdminAsync();
        return (await admin.GetAsync($"livechat/users/agent/{agent.Id}")).Ok().Json.GetProperty("user").Str("statusLivechat");
    }

    async Task<bool> OnlineAsync(string? department = null)
    {
        var path = department is null ? "livechat/config" : $"livechat/config?department={department}";
        return (await factory.Anonymous().GetAsync(path)).Ok().Json.GetProperty("config").GetProperty("online").GetBoolean();
    }

    async Task OffAsync()
    {
        await factory.SetSettingAsync("Livechat_enable_business_hours", false);
        await factory.SetSettingAsync("Livechat_business_hour_type", "Single");
        await factory.RunTimedActionsAsync();
    }

    [Fact]
    public async Task DefaultBusinessHourHasRocketChatsShape()
    {
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/business-hours.save", MondayOnly("Office"))).Is(200, """{"success":true}""");

        var hour = (await admin.GetAsync("livechat/business-hour?type=default")).Ok().Json.GetProperty("businessHour");

        Assert.Equal("Office", hour.Str("name"));
        Assert.Equal("default", hour.Str("type"));
        Assert.True(hour.GetProperty("active").GetBoolean());
        Assert.Equal("""{"name":"America/Sao_Paulo","utc":"-03:00"}""", hour.GetProperty("timezone").GetRawText());
        Assert.Equal("""{"day":"Monday","start":{"time":"08:00","utc":{"dayOfWeek":"Monday","time":"11:00"},"cron":{"dayOfWeek":"Monday","time":"11:00"}}"""
            + ""","finish":{"time":"18:00","utc":{"dayOfWeek":"Monday","time":"21:00"},"cron":{"dayOfWeek":"Monday","time":"21:00"}},"open":true,"code":1}""",
            hour.GetProperty("workHours")[0].GetRawText());
        Assert.False(hour.TryGetProperty("departments", out _));
        var list = (await admin.GetAsync("livechat/business-hours?name=Offi")).Ok().Json;
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(hour.Str("_id"), list.GetProperty("businessHours")[0].Str("_id"));
    }

    [Fact]
    public async Task SavingRefusesTimesThatDoNotMakeAnHour()
    {
        var admin = await factory.AdminAsync();
        object Hours(string start, string finish, string zone = SaoPaulo) =>
            new { name = "", type = "default", timezoneName = zone, workHours = new[] { Day("Monday", start, finish) } };

        (await admin.PostAsync("livechat/business-hours.save", Hours("18:00", "08:00")))
            .Is(400, """{"success":false,"error":"error-business-hour-finish-time-before-start-time"}""");
        (await admin.PostAsync("livechat/business-hours.save", Hours("08:00", "08:00")))
            .Is(400, """{"success":false,"error":"error-business-hour-finish-time-equals-start-time"}""");
        (await admin.PostAsync("livechat/business-hours.save", Hours("08:00", "18:00", "Mars/Olympus")))
            .Is(400, """{"success":false,"error":"error-invalid-timezone"}""");
        (await admin.PostAsync("livechat/business-hours.save", new { type = "default", workHours = Array.Empty<object>() }))
            .Is(400, """{"success":false,"error":"must have required property 'name' [invalid-params]","errorType":"invalid-params"}""");
        (await admin.PostAsync("livechat/business-hours.save", new { name = "", timezone = 5, workHours = new[] { new { day = "Monday", start = 8, finish = "9:00", open = true } } }))
            .Is(400, """{"success":false,"error":"workHours must hold times as HH:mm [invalid-params]","errorType":"invalid-params"}""");

        (await admin.PostAsync("livechat/business-hours.save", Hours("8:00", "17:30:00"))).Ok();
        var monday = (await admin.GetAsync("livechat/business-hour?type=default")).Ok().Json.GetProperty("businessHour").GetProperty("workHours")[0];
        Assert.Equal(("08:00", "17:30"), (monday.GetProperty("start").Str("time"), monday.GetProperty("finish").Str("time")));
    }

    [Fact]
    public async Task HoursOpenAndCloseOnTimeInTheirTimeZone()
    {
        var agent = await factory.CreateAgentAsync();
        var resting = await factory.CreateAgentAsync();
        (await resting.Api.PostAsync("livechat/agent.status", new { status = "not-available" })).Ok();
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/business-hours.save", MondayOnly())).Ok();
        await factory.SetSettingAsync("Livechat_enable_business_hours", true);
        try
        {
            // Monday 10:59 UTC is 07:59 in São Paulo: closed.
            factory.MoveToNext(DayOfWeek.Monday, new TimeSpan(10, 59, 0));
            Assert.False(await OnlineAsync());
            await factory.RunTimedActionsAsync();
            Assert.Equal("not-available", await StatusOfAsync(agent));
            Assert.True(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == agent.Id).Select(u => u.LivechatStatusSystemModified).SingleAsync()));
            (await agent.Api.PostAsync("livechat/agent.status", new { status = "available" }))
                .Is(400, """{"success":false,"error":"error-business-hours-are-closed"}""");
            Assert.Equal(0, await factory.RunTimedActionsAsync());   // nothing new to apply

            // 08:00 there: open, and only the agent the hours had made unavailable comes back.
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
            await factory.RunTimedActionsAsync();
            Assert.True(await OnlineAsync());
            Assert.Equal("available", await StatusOfAsync(agent));
            Assert.Equal("not-available", await StatusOfAsync(resting));

            // 18:00 there is 21:00 UTC.
            factory.Clock.Advance(new TimeSpan(9, 59, 0));
            await factory.RunTimedActionsAsync();
            Assert.Equal("available", await StatusOfAsync(agent));
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
            await factory.RunTimedActionsAsync();
            Assert.Equal("not-available", await StatusOfAsync(agent));
            Assert.False(await OnlineAsync());
        }
        finally
        {
            await OffAsync();
        }
        Assert.Equal("available", await StatusOfAsync(agent));   // business hours off: the hours no longer hold anyone back
    }

    [Fact]
    public async Task OpeningMissedWhileTheServerWasDownHappensAtItsFirstPass()
    {
        var agent = await factory.CreateAgentAsync();
        await using var ddp = await DdpClient.LoginAsync(factory, await factory.CreateUserAsync("user", "livechat-manager"));
        var saved = await ddp.CallAsync("livechat:saveBusinessHour", MondayOnly());
        Assert.Null(saved["error"]);
        Assert.False(saved.ContainsKey("result"));
        await factory.SetSettingAsync("Livechat_enable_business_hours", true);
        try
        {
            factory.MoveToNext(DayOfWeek.Sunday, new TimeSpan(23, 0, 0));
            await factory.RunTimedActionsAsync();
            Assert.Equal("not-available", await StatusOfAsync(agent));

            // No pass at Monday 08:00 in São Paulo: the server was down. Another process starts at 12:00 there.
            factory.MoveToNext(DayOfWeek.Monday, new TimeSpan(15, 0, 0));
            await using (var restarted = factory.Peer())
            {
                Assert.True(await restarted.Services.GetRequiredService<TimedActions>().RunOnceAsync() >= 1);
            }

            Assert.Equal("available", await StatusOfAsync(agent));
        }
        finally
        {
            await OffAsync();
        }
    }

    [Fact]
    public async Task DepartmentsWithTheirOwnHoursFollowThemAndTheRestTheDefault()
    {
        var inDepartment = await factory.CreateAgentAsync();
        var elsewhere = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, inDepartment);
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/business-hours.save", new
        {
            name = "always", type = "default", timezoneName = "UTC",
            workHours = new[] { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" }.Select(d => Day(d, "00:00", "23:59")),
        })).Ok();
        (await admin.PostAsync("livechat/business-hours.save", new
        {
            name = TestUsers.Unique("night"), type = "custom", active = true, timezoneName = "Asia/Tokyo",
            workHours = new[] { Day("Monday", "20:00", "23:00") }, departmentsToApplyBusinessHour = department,
        })).Ok();
        await factory.SetSettingAsync("Livechat_enable_business_hours", true);
        await factory.SetSettingAsync("Livechat_business_hour_type", "Multiple");
        try
        {
            // Monday 02:00 UTC is 11:00 in Tokyo: the department's hour is closed, the default open.
            factory.MoveToNext(DayOfWeek.Monday, new TimeSpan(2, 0, 0));
            await factory.RunTimedActionsAsync();
            Assert.Equal("not-available", await StatusOfAsync(inDepartment));
            Assert.Equal("available", await StatusOfAsync(elsewhere));
            Assert.False(await OnlineAsync(department));
            Assert.True(await OnlineAsync());

            // 20:00 in Tokyo.
            factory.Clock.Advance(TimeSpan.FromHours(9));
            await factory.RunTimedActionsAsync();
            Assert.Equal("available", await StatusOfAsync(inDepartment));
            Assert.True(await OnlineAsync(department));

            var custom = (await admin.GetAsync("livechat/business-hours")).Ok().Json.GetProperty("businessHours").EnumerateArray()
                .Single(h => h.Str("type") == "custom" && h.GetProperty("departments").EnumerateArray().Any(d => d.Str("_id") == department));
            Assert.Equal("11:00", custom.GetProperty("workHours")[0].GetProperty("start").GetProperty("utc").Str("time"));
            (await admin.PostAsync("livechat/business-hours.remove", new { _id = custom.Str("_id"), type = "custom" })).Ok();
            Assert.True((await admin.GetAsync($"livechat/business-hour?type=custom&_id={custom.Str("_id")}")).Ok().Json
                .TryGetProperty("businessHour", out var gone) is false || gone.ValueKind == JsonValueKind.Null);
        }
        finally
        {
            await OffAsync();
        }
    }
}

public sealed class BusinessHourEndpointsSqliteTests(ClockedSqliteFactory factory) : BusinessHourEndpointsTests<ClockedSqliteFactory>(factory);

public sealed class BusinessHourEndpointsPostgresTests(ClockedPostgresFactory factory) : BusinessHourEndpointsTests<ClockedPostgresFactory>(factory);
