using System.Text.Json;
using Livechat.Server.Events;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Livechat.Server.Tests.Events.WireJson;

namespace Livechat.Server.Tests.Events;

/// <summary>
/// The change-event mechanism: committed writes publish one event per change after the commit (and store it in the
/// same transaction), rolled-back writes publish and store nothing, and the existing write paths produce the events a
/// realtime stream needs.
/// </summary>
public abstract class ChangeFeedTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task CommittedSaveInfoPublishesRoomUpdatedWithOldAndNewValues()
    {
        var (room, _, agent, department) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var feed = new FeedRecorder(factory);

        (await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = room.GetProperty("v").Str("_id"), name = "Jane Roe" },
            roomData = new { _id = rid, topic = "Billing", tags = new[] { "vip" } },
        })).Is(200, """{"success":true}""");

        var change = await feed.NextAsync(e => e.RoomId == rid);
        Assert.Equal(ChangeTypes.RoomUpdated, change.Type);
        Assert.True(change.Seq > 0);
        Assert.False(change.Remote);
        Assert.Equal(new ChangeActor(agent.Id, agent.Username, "rest", "user"), change.Actor);
        Assert.Equal(department, change.DepartmentId);
        Assert.Equal(agent.Id, change.AgentId);
        Assert.Equal(room.GetProperty("v").Str("_id"), change.VisitorId);
        Assert.Equal(room.GetProperty("_version").GetInt32() + 1, change.RoomVersion);
        Assert.Equal(["fname", "tags", "topic", "visitor.name"], change.Changes.Keys.Order());
        Assert.Equal("""{"from":null,"to":"Billing"}""", Wire(change.Changes["topic"]));
        Assert.Equal("""{"from":null,"to":["vip"]}""", Wire(change.Changes["tags"]));
        Assert.Equal("Jane Roe", (string?)change.Changes["fname"].To);
        Assert.Equal("Billing", (string?)change.Room!["topic"]);
        Assert.Equal("Jane Roe", (string?)change.Visitor!["name"]);
        var stored = await factory.WithDbAsync(db => db.ChangeEvents.AsNoTracking().SingleAsync(e => e.Seq == change.Seq));
        Assert.Equal((ChangeTypes.RoomUpdated, rid, true), (stored.Type, stored.RoomId, stored.Audited));
    }

    [Fact]
    public async Task RolledBackChangeIsNeitherPublishedNorStored()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var feed = new FeedRecorder(factory);

        await factory.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            var tracked = await db.Rooms.SingleAsync(r => r.Id == rid);
            tracked.Topic = "rolled back";
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        });
        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = "committed" } })).Ok();

        var first = await feed.NextAsync(e => e.RoomId == rid);
        Assert.Equal("""{"from":null,"to":"committed"}""", Wire(first.Changes["topic"]));
        var rows = await factory.WithDbAsync(db => db.ChangeEvents.AsNoTracking().Where(e => e.RoomId == rid && e.Audited).CountAsync());
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task SaveThatChangesNothingPublishesNothing()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var body = new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = "same" } };
        (await agent.Api.PostAsync("livechat/room.saveInfo", body)).Ok();
        using var feed = new FeedRecorder(factory);

        (await agent.Api.PostAsync("livechat/room.saveInfo", body)).Is(200, """{"success":true}""");

        Assert.Empty(await feed.OfRoomAsync(rid));
    }

    [Fact]
    public async Task MessagesAndClosingPublishMessageRoomAndInquiryEvents()
    {
        var (room, token, agent, department) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var visitorId = room.GetProperty("v").Str("_id");
        using var feed = new FeedRecorder(factory);

        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "Hello" })).Ok();
        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "Hi!" } })).Ok();
        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "Thanks" })).Ok();

        var events = await feed.OfRoomAsync(rid);
        Assert.Equal(
            [ChangeTypes.MessageCreated, ChangeTypes.MessageCreated, ChangeTypes.RoomClosed, ChangeTypes.InquiryRemoved, ChangeTypes.MessageCreated],
            events.Select(e => e.Type));
        var (hello, hi, closed, inquiry, closing) = (events[0], events[1], events[2], events[3], events[4]);
        Assert.Equal(new ChangeActor(visitorId, room.GetProperty("v").Str("username"), "rest", "visitor"), hello.Actor);
        Assert.Equal("Hello", (string?)hello.Message!["msg"]);
        Assert.Equal("Hello", (string?)hello.Room!["lastMessage"]!["msg"]);
        Assert.Equal((department, agent.Id, visitorId), (hello.DepartmentId, hello.AgentId, hello.VisitorId));
        Assert.Equal(new ChangeActor(agent.Id, agent.Username, "rest", "user"), hi.Actor);
        Assert.Equal("""{"from":true,"to":false}""", Wire(closed.Changes["open"]));
        Assert.Equal($$$"""{"from":null,"to":{"_id":"{{{agent.Id}}}","username":"{{{agent.Username}}}"}}""", Wire(closed.Changes["closedBy"]));
        Assert.Equal("user", (string?)closed.Changes["closer"].To);
        Assert.Equal(department, inquiry.DepartmentId);
        Assert.Equal("livechat-close", (string?)closing.Message!["t"]);
        Assert.True(events.Select(e => e.Seq).SequenceEqual(events.Select(e => e.Seq).Order()));
    }

    [Fact]
    public async Task QueueingAndTakingPublishInquiryAndAssignmentEvents()
    {
        using var feed = new FeedRecorder(factory);
        var room = await factory.OpenQueuedRoomAsync();
        var rid = room.Str("_id");
        var agent = await factory.CreateAgentAsync();
        var queued = await feed.NextAsync(e => e.RoomId == rid && e.Type == ChangeTypes.InquiryQueued);
        var inquiryId = (string)queued.Inquiry!["_id"]!;

        (await agent.Api.PostAsync("livechat/inquiries.take", new { inquiryId })).Ok();

        var events = await feed.OfRoomAsync(rid);
        Assert.Equal([ChangeTypes.RoomOpened, ChangeTypes.InquiryQueued, ChangeTypes.RoomAssigned, ChangeTypes.InquiryTaken], events.Select(e => e.Type));
        Assert.Equal("queued", (string?)events[1].Inquiry!["status"]);
        Assert.Equal($$$"""{"from":null,"to":{"_id":"{{{agent.Id}}}","username":"{{{agent.Username}}}"}}""", Wire(events[2].Changes["servedBy"]));
        Assert.Equal(agent.Id, events[2].AgentId);
        Assert.Equal("taken", (string?)events[3].Inquiry!["status"]);
        Assert.Equal(new ChangeActor(agent.Id, agent.Username, "rest", "user"), events[3].Actor);
    }

    [Fact]
    public async Task PriorityChangePublishesTheHistoryMessage()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var admin = await factory.AdminAsync();
        var priority = (await admin.GetAsync("livechat/priorities")).Ok().Json.GetProperty("priorities")[0].Str("_id");
        using var feed = new FeedRecorder(factory);

        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, priorityId = priority } })).Ok();

        var events = await feed.OfRoomAsync(rid);
        Assert.Equal([ChangeTypes.RoomUpdated, ChangeTypes.MessageCreated], events.Select(e => e.Type));
        Assert.Equal(priority, (string?)events[0].Changes["priorityId"].To);
        Assert.Equal("omnichannel_priority_change_history", (string?)events[1].Message!["t"]);
    }
}

static class WireJson
{
    public static string Wire(object? value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}

public sealed class ChangeFeedSqliteTests(SqliteServerFactory factory) : ChangeFeedTests<SqliteServerFactory>(factory);

public sealed class ChangeFeedPostgresTests(PostgresServerFactory factory) : ChangeFeedTests<PostgresServerFactory>(factory);

/// <summary>Two server processes on one PostgreSQL database: a change committed by one is published by the other.</summary>
public sealed class ChangeFeedCrossProcessTests(PostgresServerFactory factory) : IClassFixture<PostgresServerFactory>, IDisposable
{
    readonly PeerServerFactory _other = new(factory);

    [Fact]
    public async Task ChangeCommittedByOneProcessIsPublishedByTheOther()
    {
        var (room, _, agent, department) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var remote = new FeedRecorder(_other);
        await WarmUpAsync(agent, room, remote);
        using var local = new FeedRecorder(factory);

        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = "across" } })).Ok();

        static bool Across(ChangeEvent e) => e.Changes.TryGetValue("topic", out var topic) && (string?)topic.To == "across";
        var mine = await local.NextAsync(Across);
        var theirs = await remote.NextAsync(Across);
        Assert.False(mine.Remote);
        Assert.True(theirs.Remote);
        Assert.Equal(mine.Seq, theirs.Seq);
        Assert.Equal((ChangeTypes.RoomUpdated, department, agent.Id), (theirs.Type, theirs.DepartmentId, theirs.AgentId));
        Assert.Equal(Wire(mine.Changes), Wire(theirs.Changes));
        Assert.Equal(Wire(mine.Room), Wire(theirs.Room));
        // Each process publishes an event once: its own are not echoed back.
        Assert.Single(await local.OfRoomAsync(rid, 500), e => e.Seq == mine.Seq);
        Assert.Single(await remote.OfRoomAsync(rid, 0), e => e.Seq == mine.Seq);
    }

    /// <summary>Changes the room until the other process relays one: its LISTEN connection is up after start-up.</summary>
    static async Task WarmUpAsync(TestUser agent, JsonElement room, FeedRecorder remote)
    {
        var rid = room.Str("_id");
        for (var i = 0; i < 30; i++)
        {
            (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = room.GetProperty("v").Str("_id") }, roomData = new { _id = rid, topic = $"warm-up {i}" } })).Ok();
            try
            {
                await remote.NextAsync(e => e.RoomId == rid, 1);
                await remote.OfRoomAsync(rid, 2500);   // and let the catch-up reads settle
                return;
            }
            catch (TimeoutException)
            {
            }
        }
        Assert.Fail("the other process never relayed a change");
    }

    public void Dispose() => _other.Dispose();
}
