using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Client.Tests;

/// <summary><c>client.Inquiries</c>, <c>client.Messages</c>, <c>client.Visitors</c> and the agent's availability.</summary>
public abstract class QueueAndMessagesTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task AnAgentSeesTheQueuedChatAndTakesIt()
    {
        var queued = await factory.OpenQueuedRoomAsync();
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);

        var waiting = await client.Inquiries.QueuedAsync(page: new PageRequest(Count: 100));
        var inquiry = Assert.Single(waiting.Items, i => i.Rid == queued.Str("_id"));
        await client.Inquiries.TakeAsync(inquiry.Id);

        Assert.Equal("queued", inquiry.Status);
        Assert.Equal(queued.GetProperty("v").Str("token"), inquiry.V.Token);
        var (room, _) = await client.Rooms.GetAsync(inquiry.Rid);
        Assert.Equal(agent.Id, room.ServedBy!.Id);
        Assert.DoesNotContain((await client.Inquiries.QueuedAsync(page: new PageRequest(Count: 100))).Items, i => i.Id == inquiry.Id);
        var taken = await Assert.ThrowsAsync<LivechatApiException>(() => client.Inquiries.TakeAsync(inquiry.Id));
        Assert.Equal(("Inquiry already taken [error-inquiry-taken]", "error-inquiry-taken"), (taken.Error, taken.ErrorType));
    }

    [Fact]
    public async Task TheServingAgentSendsAndLoadsTheHistory()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        (await factory.Anonymous().PostAsync("livechat/message", new { token, rid, msg = "Hello?" })).Ok();
        using var client = await factory.ClientAsync(agent);
        var id = MessagesClient.NewId();

        var sent = await client.Messages.SendAsync(rid, "Hi, how can I help?", id);
        var history = await client.Messages.HistoryAsync(rid);

        Assert.Equal((id, rid, agent.Id, false), (sent.Id, sent.Rid, sent.U.Id, sent.IsFromVisitor));
        Assert.Equal(17, id.Length);
        Assert.Equal(["Hi, how can I help?", "Hello?"], history.Select(m => m.Msg));
        Assert.True(history[1].IsFromVisitor);
        var later = await client.Messages.SyncAsync(rid, sent.UpdatedAt);
        Assert.Empty(later.Updated);
        Assert.Equal(rid, (await client.Rooms.GetAsync(rid)).Room.LastMessage!.Rid);
    }

    [Fact]
    public async Task SendingIntoSomeoneElsesRoomIsRefused()
    {
        var (room, _, _, _) = await factory.CreateServedRoomAsync();
        var other = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(other);

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.Messages.SendAsync(room.Str("_id"), "hi"));

        Assert.Equal((400, "[error-not-allowed]", "error-not-allowed"), (error.Status, error.Error, error.ErrorType));
    }

    [Fact]
    public async Task TheAvailableSwitchSetsTheAgentsStatus()
    {
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);

        var off = await client.Agent.SetAvailableAsync(false);
        var afterOff = await client.Agent.GetStatusAsync();
        var on = await client.Agent.SetAvailableAsync(true);

        Assert.Equal((AgentStatus.NotAvailable, AgentStatus.NotAvailable, AgentStatus.Available), (off, afterOff, on));
        Assert.True((await client.Agents.ListAsync(agent.Username, onlyAvailable: true)).Items.Single().IsAvailable);
    }

    [Fact]
    public async Task VisitorsAreFoundAndRead()
    {
        var name = TestUsers.Unique("Visitor");
        var (token, visitor) = await factory.CreateVisitorAsync(name: name);
        using var admin = await factory.AdminClientAsync();

        var found = await admin.Visitors.SearchAsync(name);
        var read = await admin.Visitors.GetAsync(visitor.Str("_id"));

        Assert.Equal(visitor.Str("_id"), Assert.Single(found.Items).Id);
        Assert.Equal((name, token), (read.Name, read.Token));
    }
}

public sealed class QueueAndMessagesSqliteTests(SqliteServerFactory factory) : QueueAndMessagesTests<SqliteServerFactory>(factory);

public sealed class QueueAndMessagesPostgresTests(PostgresServerFactory factory) : QueueAndMessagesTests<PostgresServerFactory>(factory);
