using Livechat.Server.Data;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Rooms;

/// <summary>
/// Auto_Selection reads each agent's open served rooms from <c>users.OpenRoomCount</c>, which triggers on the rooms
/// table keep. Every kind of room write (open, take, close by the visitor and by the agent, a new room after a closed
/// one, a GDPR removal) must leave it equal to a fresh count, and routing must then pick the least-loaded agent.
/// </summary>
public abstract class RoutingTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task EveryRoomWriteKeepsTheOpenRoomCountsThatRoutingReads()
    {
        // A department of its own, so no other test's agent is a candidate.
        var (a, b, c) = (await factory.CreateAgentAsync(), await factory.CreateAgentAsync(), await factory.CreateAgentAsync());
        var department = await factory.CreateDepartmentAsync(null, a, b, c);
        var names = new Dictionary<string, string> { [a.Id] = "a", [b.Id] = "b", [c.Id] = "c" };
        async Task<string> OpenAsync(string token, TestUser? preferred = null) =>
            names[(await factory.OpenRoomAsync(token, preferred)).GetProperty("servedBy").Str("_id")];
        async Task AssertLoadsAsync(int ofA, int ofB, int ofC)
        {
            var counts = await CountsAsync();
            Assert.Equal((ofA, ofB, ofC), (counts[a.Id].Stored, counts[b.Id].Stored, counts[c.Id].Stored));
            Assert.All(counts.Values, count => Assert.Equal(count.Fresh, count.Stored));
        }

        var (v1, v2, v3, v4, v5) = (await VisitorAsync(department), await VisitorAsync(department), await VisitorAsync(department),
            await VisitorAsync(department), await VisitorAsync(department));
        Assert.Equal("a", await OpenAsync(v1.Token, a));
        Assert.Equal("a", await OpenAsync(v2.Token, a));
        Assert.Equal("b", await OpenAsync(v3.Token, b));
        await AssertLoadsAsync(2, 1, 0);

        // The least loaded: c, with no open room.
        Assert.Equal("c", await OpenAsync(v4.Token));
        await AssertLoadsAsync(2, 1, 1);

        // Closed by the visitor.
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token = v1.Token, rid = await RoomOfAsync(v1.Token) })).Ok();
        await AssertLoadsAsync(1, 1, 1);

        // Queued, then taken by b.
        await factory.SetSettingAsync("Livechat_Routing_Method", "Manual_Selection");
        string rid5;
        try
        {
            rid5 = (await factory.OpenRoomAsync(v5.Token)).Str("_id");
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_Routing_Method", "Auto_Selection");
        }
        await AssertLoadsAsync(1, 1, 1);
        var inquiryId = (await b.Api.GetAsync($"livechat/inquiries.queued?department={department}")).Ok().Json
            .GetProperty("inquiries").EnumerateArray().Single(i => i.Str("rid") == rid5).Str("_id");
        (await b.Api.PostAsync("livechat/inquiries.take", new { inquiryId })).Is(200, """{"success":true}""");
        await AssertLoadsAsync(1, 2, 1);

        // Closed by the serving agent, then by a manager (the admin) for another agent.
        (await b.Api.PostAsync("livechat/room.closeByUser", new { rid = rid5, comment = "done" })).Is(200, """{"success":true}""");
        await AssertLoadsAsync(1, 1, 1);
        var admin = await factory.AdminAsync();
        (await admin.PostAsync("livechat/room.closeByUser", new { rid = await RoomOfAsync(v4.Token), comment = "done" })).Is(200, """{"success":true}""");
        await AssertLoadsAsync(1, 1, 0);

        // A visitor whose room was closed opens a new one: routed to the least loaded, c.
        Assert.Equal("c", await OpenAsync(v1.Token));
        await AssertLoadsAsync(1, 1, 1);

        // GDPR removal of a visitor with a closed room, then of one with an open room (allowed while headers are collected).
        (await factory.Anonymous().PostAsync("livechat/room.close", new { token = v3.Token, rid = await RoomOfAsync(v3.Token) })).Ok();
        await AssertLoadsAsync(1, 0, 1);
        (await factory.Anonymous().DeleteAsync($"livechat/visitor/{v3.Token}")).Ok();
        await AssertLoadsAsync(1, 0, 1);
        await factory.SetSettingAsync("Livechat_Allow_collect_and_store_HTTP_header_informations", true);
        try
        {
            (await factory.Anonymous().DeleteAsync($"livechat/visitor/{v2.Token}")).Ok();
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_Allow_collect_and_store_HTTP_header_informations", false);
        }
        await AssertLoadsAsync(0, 0, 1);

        // The least loaded again: a and b have none; b was routed a room (taken) after a was, so a has waited longest.
        var v6 = await VisitorAsync(department);
        Assert.Equal("a", await OpenAsync(v6.Token));
        await AssertLoadsAsync(1, 0, 1);
        var v7 = await VisitorAsync(department);
        Assert.Equal("b", await OpenAsync(v7.Token));
        await AssertLoadsAsync(1, 1, 1);
    }

    async Task<(string Token, string Id)> VisitorAsync(string department)
    {
        var (token, visitor) = await factory.CreateVisitorAsync(department);
        return (token, visitor.Str("_id"));
    }

    async Task<string> RoomOfAsync(string token) => (await factory.Anonymous().GetAsync($"livechat/room?token={token}")).Ok().Json
        .GetProperty("room").Str("_id");

    /// <summary>Every user's stored count next to a fresh count of the open rooms it serves.</summary>
    async Task<Dictionary<string, (int Stored, int Fresh)>> CountsAsync()
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var counts = await db.Users.AsNoTracking()
            .Select(u => new { u.Id, u.OpenRoomCount, Fresh = db.Rooms.Count(r => r.Open && r.ServedById == u.Id) })
            .ToListAsync();
        return counts.ToDictionary(u => u.Id, u => (u.OpenRoomCount, u.Fresh));
    }
}

public sealed class RoutingSqliteTests(SqliteServerFactory factory) : RoutingTests<SqliteServerFactory>(factory);

public sealed class RoutingPostgresTests(PostgresServerFactory factory) : RoutingTests<PostgresServerFactory>(factory);
