using Livechat.Server.Scheduling;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Scheduling;

/// <summary>
/// Two server processes on one PostgreSQL run their timed actions at the same moment: each due item is acted on once
/// between them (one close, one system message; one business-hour transition).
/// </summary>
public sealed class TimedActionsTwoProcessesTests(ClockedPostgresFactory factory) : IClassFixture<ClockedPostgresFactory>
{
    /// <summary>Both processes' passes at once; the sum of what they acted on.</summary>
    async Task<int> BothAtOnceAsync()
    {
        await using var other = factory.Peer();
        var runners = new[] { factory.Services.GetRequiredService<TimedActions>(), other.Services.GetRequiredService<TimedActions>() };
        var done = await Task.WhenAll(runners.Select(r => Task.Run(() => r.RunOnceAsync())));
        return done.Sum();
    }

    [Fact]
    public async Task AbandonedChatsAreClosedOnceBetweenTwoProcesses()
    {
        var rooms = new List<(string Rid, string Token)>();
        for (var i = 0; i < 4; i++)
        {
            var (room, token, agent, _) = await factory.CreateServedRoomAsync();
            var rid = room.Str("_id");
            (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "anyone there?" } })).Ok();
            rooms.Add((rid, token));
        }
        await factory.SetSettingAsync("Livechat_abandoned_rooms_action", "close");
        await factory.SetSettingAsync("Livechat_visitor_inactivity_timeout", 60);
        try
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(61));

            Assert.Equal(rooms.Count, await BothAtOnceAsync());

            foreach (var (rid, token) in rooms)
            {
                var messages = (await factory.Anonymous().GetAsync($"livechat/messages.history/{rid}?token={token}")).Ok().Json.GetProperty("messages");
                Assert.Single(messages.EnumerateArray(), m => m.TryGetProperty("t", out var t) && t.GetString() == "livechat-close");
                var audit = (await (await factory.AdminAsync()).GetAsync($"livechat/room.auditLog?roomId={rid}")).Ok().Json.GetProperty("entries");
                Assert.Single(audit.EnumerateArray(), e => e.TryGetProperty("changes", out var c) && c.TryGetProperty("open", out _));
            }
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_abandoned_rooms_action", "none");
        }
    }

    [Fact]
    public async Task BusinessHourClosesOnceBetweenTwoProcesses()
    {
        var agent = await factory.CreateAgentAsync();
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/business-hours.save", new
        {
            name = "", type = "default", timezoneName = "Europe/Berlin",
            workHours = new[] { new { day = "Tuesday", start = "09:00", finish = "17:00", open = true } },
        })).Ok();
        await factory.SetSettingAsync("Livechat_enable_business_hours", true);
        try
        {
            factory.MoveToNext(DayOfWeek.Tuesday, new TimeSpan(6, 0, 0));   // 07:00 in Berlin

            Assert.Equal(1, await BothAtOnceAsync());
            Assert.Equal("not-available", (await admin.GetAsync($"livechat/users/agent/{agent.Id}")).Ok().Json.GetProperty("user").Str("statusLivechat"));

            factory.Clock.Advance(TimeSpan.FromHours(2));                   // 09:00 in Berlin
            Assert.Equal(1, await BothAtOnceAsync());
            Assert.Equal("available", (await admin.GetAsync($"livechat/users/agent/{agent.Id}")).Ok().Json.GetProperty("user").Str("statusLivechat"));
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_enable_business_hours", false);
        }
    }
}
