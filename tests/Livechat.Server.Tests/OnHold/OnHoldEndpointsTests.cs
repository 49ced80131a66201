using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Server.Tests.OnHold;

/// <summary>
/// <c>livechat/room.onHold</c> and <c>room.resumeOnHold</c> with Rocket.Chat's checks and system messages, the
/// <c>onhold</c> filter of <c>livechat/rooms</c>, and abandoned chats closed or put on hold by the timed action.
/// </summary>
public abstract class OnHoldEndpointsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : ClockedServerFactory
{
    /// <summary>A served room whose agent (of a department of their own) answered the visitor last.</summary>
    async Task<(string Rid, string Token, TestUser Agent, string Department)> AnsweredRoomAsync()
    {
        var (room, token, agent, department) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "my order is late" })).Ok();
        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "let me check" } })).Ok();
        return (rid, token, agent, department);
    }

    async Task<JsonElement> RoomAsync(string rid) =>
        (await (await factory.AdminAsync()).GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");

    async Task<List<JsonElement>> SystemMessagesAsync(string rid, string token, string type) =>
        [.. (await factory.Anonymous().GetAsync($"livechat/messages.history/{rid}?token={token}")).Ok().Json.GetProperty("messages")
            .EnumerateArray().Where(m => m.TryGetProperty("t", out var t) && t.GetString() == type)];

    async Task<List<string>> OnHoldRoomsAsync(string department) =>
        [.. (await (await factory.AdminAsync()).GetAsync($"livechat/rooms?departmentId={department}&onhold=true")).Ok().Json.GetProperty("rooms")
            .EnumerateArray().Select(r => r.Str("_id"))];

    [Fact]
    public async Task ServingAgentPutsTheChatOnHoldAndResumesIt()
    {
        var (rid, token, agent, department) = await AnsweredRoomAsync();

        (await agent.Api.PostAsync("livechat/room.onHold", new { roomId = rid })).Is(200, """{"success":true}""");

        Assert.True((await RoomAsync(rid)).GetProperty("onHold").GetBoolean());
        Assert.Equal([rid], await OnHoldRoomsAsync(department));
        var held = Assert.Single(await SystemMessagesAsync(rid, token, "omnichannel_placed_chat_on_hold"));
        Assert.Equal("", held.Str("msg"));
        Assert.Equal($"The chat was manually placed On Hold by Name {agent.Username}", held.Str("comment"));
        Assert.Equal(agent.Id, held.GetProperty("u").Str("_id"));

        (await agent.Api.PostAsync("livechat/room.resumeOnHold", new { roomId = rid })).Is(200, """{"success":true}""");

        Assert.False((await RoomAsync(rid)).TryGetProperty("onHold", out _));
        Assert.Empty(await OnHoldRoomsAsync(department));
        var resumed = Assert.Single(await SystemMessagesAsync(rid, token, "omnichannel_on_hold_chat_resumed"));
        Assert.Equal($"The chat was manually resumed from On Hold by Name {agent.Username}", resumed.Str("comment"));
    }

    [Fact]
    public async Task VisitorWritingAgainResumesTheChat()
    {
        var (rid, token, agent, department) = await AnsweredRoomAsync();
        (await agent.Api.PostAsync("livechat/room.onHold", new { roomId = rid })).Ok();
        var guest = (await RoomAsync(rid)).Str("fname");

        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "I am back" })).Ok();

        Assert.Empty(await OnHoldRoomsAsync(department));
        var resumed = Assert.Single(await SystemMessagesAsync(rid, token, "omnichannel_on_hold_chat_resumed"));
        Assert.Equal($"The chat was automatically resumed from On Hold upon receiving a new message from {guest}", resumed.Str("comment"));
        Assert.Equal("rocket.cat", resumed.GetProperty("u").Str("_id"));
    }

    [Fact]
    public async Task OnHoldAndResumeRefuseWithRocketChatsErrors()
    {
        static string Failure(string error) => $$"""{"success":false,"error":"{{error}}"}""";
        var (rid, token, agent, department) = await AnsweredRoomAsync();
        var other = await factory.CreateAgentAsync();
        var admin = await factory.AdminAsync();

        (await other.Api.PostAsync("livechat/room.onHold", new { roomId = rid })).Is(400, Failure("Not_authorized"));
        (await agent.Api.PostAsync("livechat/room.onHold", new { roomId = " " })).Is(400, Failure("error-invalid-room"));
        (await agent.Api.PostAsync("livechat/room.onHold", new { roomId = "no-such-room" })).Is(400, Failure("error-invalid-room"));
        (await agent.Api.PostAsync("livechat/room.onHold", new { }))
            .Is(400, """{"success":false,"error":"must have required property 'roomId' [invalid-params]","errorType":"invalid-params"}""");
        (await agent.Api.PostAsync("livechat/room.resumeOnHold", new { roomId = "" })).Is(400, Failure("invalid-param"));
        (await agent.Api.PostAsync("livechat/room.resumeOnHold", new { roomId = rid })).Is(400, Failure("error-room-not-on-hold"));
        (await (await factory.CreateUserAsync()).Api.PostAsync("livechat/room.onHold", new { roomId = rid })).Is(403, TestData.Forbidden);

        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "hello?" })).Ok();
        (await agent.Api.PostAsync("livechat/room.onHold", new { roomId = rid }))
            .Is(400, Failure("error-contact-sent-last-message-so-cannot-place-on-hold"));

        (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "still here" } })).Ok();
        (await admin.PostAsync("livechat/room.onHold", new { roomId = rid })).Ok();   // on-hold-others-livechat-room
        (await agent.Api.PostAsync("livechat/room.onHold", new { roomId = rid })).Is(400, Failure("error-room-is-already-on-hold"));

        (await agent.Api.PostAsync("livechat/room.closeByUser", new { rid, comment = "done" })).Ok();
        Assert.Empty(await OnHoldRoomsAsync(department));   // closing ends the hold
        (await agent.Api.PostAsync("livechat/room.onHold", new { roomId = rid })).Is(400, Failure("error-room-already-closed"));
        (await agent.Api.PostAsync("livechat/room.resumeOnHold", new { roomId = rid })).Is(400, Failure("This_conversation_is_already_closed"));

        var queued = await factory.OpenQueuedRoomAsync();
        (await admin.PostAsync("livechat/room.onHold", new { roomId = queued.Str("_id") }))
            .Is(400, Failure("error-unserved-rooms-cannot-be-placed-onhold"));
    }

    [Fact]
    public async Task AbandonedChatsCloseWithTheCustomMessageOnlyWhenTheVisitorStaysSilent()
    {
        await factory.SetSettingAsync("Livechat_abandoned_rooms_action", "close");
        await factory.SetSettingAsync("Livechat_visitor_inactivity_timeout", 60);
        await factory.SetSettingAsync("Livechat_abandoned_rooms_closed_custom_message", "Closed: no answer from you");
        try
        {
            var (silent, silentToken, _, _) = await AnsweredRoomAsync();
            var (answered, answeredToken, _, _) = await AnsweredRoomAsync();
            factory.Clock.Advance(TimeSpan.FromSeconds(30));
            (await factory.Anonymous().PostAsync("livechat/message", new { token = answeredToken, rid = answered, msg = "thanks" })).Ok();

            factory.Clock.Advance(TimeSpan.FromSeconds(25));
            await factory.RunTimedActionsAsync();
            Assert.True((await RoomAsync(silent)).GetProperty("open").GetBoolean());

            factory.Clock.Advance(TimeSpan.FromSeconds(10));
            await factory.RunTimedActionsAsync();
            await factory.RunTimedActionsAsync();

            var closed = await RoomAsync(silent);
            Assert.False(closed.TryGetProperty("open", out _));
            Assert.Equal("""{"_id":"rocket.cat","username":"rocket.cat"}""", closed.GetProperty("closedBy").GetRawText());
            Assert.Equal("user", closed.Str("closer"));
            var close = Assert.Single(await SystemMessagesAsync(silent, silentToken, "livechat-close"));
            Assert.Equal("Closed: no answer from you", close.Str("msg"));
            Assert.True((await RoomAsync(answered)).GetProperty("open").GetBoolean());
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_abandoned_rooms_action", "none");
            await factory.SetSettingAsync("Livechat_abandoned_rooms_closed_custom_message", "");
        }
    }

    [Fact]
    public async Task AbandonedChatsGoOnHoldOnceUntilTheAgentAnswersAgain()
    {
        await factory.SetSettingAsync("Livechat_abandoned_rooms_action", "on-hold");
        await factory.SetSettingAsync("Livechat_visitor_inactivity_timeout", 120);
        try
        {
            var (rid, token, agent, department) = await AnsweredRoomAsync();
            var guest = (await RoomAsync(rid)).Str("fname");
            await using var ddp = await DdpClient.LoginAsync(factory, agent);
            await ddp.SubscribeAsUserAsync("stream-livechat-room", rid);

            factory.Clock.Advance(TimeSpan.FromSeconds(121));
            await factory.RunTimedActionsAsync();

            // A normal write: the agent's realtime room update and the audit entry follow.
            var update = await ddp.NextEventAsync("stream-livechat-room", rid, a => (string?)a[0]?["type"] == "roomData");
            Assert.True((bool?)update[0]!["data"]?["onHold"]);
            var audit = (await agent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Ok().Json.GetProperty("entries");
            var entry = Assert.Single(audit.EnumerateArray(), e => e.TryGetProperty("changes", out var c) && c.TryGetProperty("onHold", out _));
            Assert.Equal("system", entry.Str("source"));
            Assert.Equal("""{"from":false,"to":true}""", entry.GetProperty("changes").GetProperty("onHold").GetRawText());
            Assert.Equal([rid], await OnHoldRoomsAsync(department));
            var held = Assert.Single(await SystemMessagesAsync(rid, token, "omnichannel_placed_chat_on_hold"));
            Assert.Equal($"The chat was automatically placed On Hold because we haven't received any reply from {guest} in 120 seconds",
                held.Str("comment"));
            Assert.Equal("rocket.cat", held.GetProperty("u").Str("username"));

            // Resumed by the agent: not put on hold again for the same silence, only after a new answer goes unanswered.
            (await agent.Api.PostAsync("livechat/room.resumeOnHold", new { roomId = rid })).Ok();
            factory.Clock.Advance(TimeSpan.FromSeconds(200));
            await factory.RunTimedActionsAsync();
            Assert.Empty(await OnHoldRoomsAsync(department));
            (await agent.Api.PostAsync("chat.sendMessage", new { message = new { rid, msg = "are you there?" } })).Ok();
            factory.Clock.Advance(TimeSpan.FromSeconds(121));
            await factory.RunTimedActionsAsync();
            Assert.Equal([rid], await OnHoldRoomsAsync(department));
            Assert.Equal(2, (await SystemMessagesAsync(rid, token, "omnichannel_placed_chat_on_hold")).Count);
        }
        finally
        {
            await factory.SetSettingAsync("Livechat_abandoned_rooms_action", "none");
        }
    }
}

public sealed class OnHoldEndpointsSqliteTests(ClockedSqliteFactory factory) : OnHoldEndpointsTests<ClockedSqliteFactory>(factory);

public sealed class OnHoldEndpointsPostgresTests(ClockedPostgresFactory factory) : OnHoldEndpointsTests<ClockedPostgresFactory>(factory);
