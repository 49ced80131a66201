using System.Text.Json;
using Livechat.Server.Tests.Infrastructure;

namespace Livechat.Client.Tests;

/// <summary><c>client.Rooms</c>: the list and its filters, rooms.info with its ETag, saveInfo's extensions, the audit log, closing.</summary>
public abstract class RoomsTests<TFactory>(TFactory factory) : IClassFixture<TFactory>
    where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task GetAnswersTheRoomWithItsETag()
    {
        var (room, token, agent, department) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);

        var (loaded, etag) = await client.Rooms.GetAsync(room.Str("_id"));

        Assert.Equal(room.Str("_id"), loaded.Id);
        Assert.Equal(token, loaded.V.Token);
        Assert.Equal(agent.Id, loaded.ServedBy!.Id);
        Assert.Equal(department, loaded.DepartmentId);
        Assert.True(loaded.IsOpen);
        Assert.False(loaded.IsQueued);
        Assert.Equal(Room.NoPriorityWeight, loaded.PriorityWeight);
        Assert.Equal($"\"{loaded.Version}\"", etag);
        Assert.Equal(loaded.ETag, etag);
    }

    [Fact]
    public async Task ListFiltersByAgentStateDepartmentTagsCustomFieldsNameAndDates()
    {
        using var admin = await factory.AdminClientAsync();
        var field = TestUsers.Unique("cf");
        await admin.CustomFields.SaveAsync(null, new CustomFieldData { Field = field, Label = "Order " + field });
        var (room, _, agent, department) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var tag = TestUsers.Unique("tag");
        var visitorId = room.GetProperty("v").Str("_id");
        var name = TestUsers.Unique("Jane");
        await admin.Rooms.SaveInfoAsync(new SaveInfoRequest
        {
            GuestData = new SaveInfoGuest { Id = visitorId, Name = name },
            RoomData = new SaveInfoRoom { Id = rid, Tags = [tag], LivechatData = new Dictionary<string, string> { [field] = "A-17" } },
        });
        var (closed, _, closedAgent, _) = await factory.CreateServedRoomAsync();
        await admin.Rooms.CloseAsync(closed.Str("_id"), "done");
        var queued = await factory.OpenQueuedRoomAsync();

        async Task<IEnumerable<string>> Ids(RoomQuery query) => (await admin.Rooms.ListAsync(query, new PageRequest(Count: 100))).Items.Select(r => r.Id);

        Assert.Equal([rid], await Ids(new RoomQuery { Agents = [agent.Id] }));
        Assert.Equal([rid], await Ids(new RoomQuery { DepartmentIds = [department] }));
        Assert.Equal([rid], await Ids(new RoomQuery { Tags = [tag, "other"] }));
        Assert.Equal([rid], await Ids(new RoomQuery { CustomFields = new Dictionary<string, string> { [field] = "a-1" } }));
        Assert.Equal([rid], await Ids(new RoomQuery { RoomName = name[2..].ToUpperInvariant() }));
        Assert.Equal([rid], await Ids(new RoomQuery { RoomName = $"\"{name}\"" }));
        Assert.Equal([rid], await Ids(new RoomQuery { Agents = [agent.Id], Open = true }));
        Assert.Empty(await Ids(new RoomQuery { Agents = [agent.Id], Open = false }));
        Assert.Equal([closed.Str("_id")], await Ids(new RoomQuery { Agents = [closedAgent.Id], Open = false }));
        Assert.Contains(queued.Str("_id"), await Ids(new RoomQuery { Queued = true }));
        Assert.DoesNotContain(rid, await Ids(new RoomQuery { Queued = true }));
        Assert.Contains(rid, await Ids(new RoomQuery { CreatedAt = new DateRange(DateTime.UtcNow.AddMinutes(-5)) }));
        Assert.Empty(await Ids(new RoomQuery { Agents = [agent.Id], CreatedAt = new DateRange(End: DateTime.UtcNow.AddDays(-1)) }));
        Assert.Equal([closed.Str("_id")],
            await Ids(new RoomQuery { Agents = [closedAgent.Id], ClosedAt = new DateRange(DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5)) }));
        Assert.Empty(await Ids(new RoomQuery { OnHold = true }));
    }

    [Fact]
    public async Task ListPagesAndSorts()
    {
        var agent = await factory.CreateAgentAsync();
        var department = await factory.CreateDepartmentAsync(null, agent);
        var rooms = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (token, _) = await factory.CreateVisitorAsync(department);
            rooms.Add((await factory.OpenRoomAsync(token)).Str("_id"));
        }
        using var client = await factory.ClientAsync(agent);

        var first = await client.Rooms.ListMineAsync(page: new PageRequest(Count: 2, Sort: ("ts", 1)));
        var second = await client.Rooms.ListMineAsync(page: new PageRequest(Count: 2, Offset: 2, Sort: ("ts", 1)));

        Assert.Equal((2, 0, 3, true), (first.Count, first.Offset, first.Total, first.HasMore));
        Assert.Equal((1, 2, 3, false), (second.Count, second.Offset, second.Total, second.HasMore));
        Assert.Equal(rooms, first.Items.Concat(second.Items).Select(r => r.Id));
    }

    [Fact]
    public async Task ListingOtherAgentsRoomsWithoutPermissionIsForbidden()
    {
        var agent = await factory.CreateAgentAsync();
        using var client = await factory.ClientAsync(agent);

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.Rooms.ListAsync());

        Assert.Equal((403, "unauthorized"), (error.Status, error.Error));
    }

    [Fact]
    public async Task SaveInfoAnswersTheSavedRoomVisitorAndNewETag()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);
        var (_, etag) = await client.Rooms.GetAsync(room.Str("_id"));

        var saved = await client.Rooms.SaveInfoAsync(Edit(room, topic: "Late order", name: "Jane Roe", email: "JANE@example.com"),
            new SaveInfoOptions { IfMatch = etag });

        Assert.Equal("Late order", saved.Room!.Topic);
        Assert.Equal("Jane Roe", saved.Room.Fname);
        Assert.Equal("jane@example.com", saved.Visitor!.Email);
        Assert.Equal(saved.Room.ETag, saved.ETag);
        Assert.NotEqual(etag, saved.ETag);
        Assert.False(saved.Replayed);
        var (current, currentETag) = await client.Rooms.GetAsync(room.Str("_id"));
        Assert.Equal((saved.ETag, "Late order"), (currentETag, current.Topic));
    }

    [Fact]
    public async Task SaveInfoMinimalAnswersNothingButSaves()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);

        var saved = await client.Rooms.SaveInfoAsync(Edit(room, topic: "plain"), new SaveInfoOptions { Return = SaveInfoReturn.Minimal });

        Assert.Null(saved.Room);
        Assert.Null(saved.ETag);
        Assert.Equal("plain", (await client.Rooms.GetAsync(room.Str("_id"))).Room.Topic);
    }

    [Fact]
    public async Task SaveInfoWithAStaleETagThrows412WithTheCurrentRoom()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);
        var (_, stale) = await client.Rooms.GetAsync(room.Str("_id"));
        var other = await client.Rooms.SaveInfoAsync(Edit(room, topic: "theirs"));

        var conflict = await Assert.ThrowsAsync<LivechatApiException>(() =>
            client.Rooms.SaveInfoAsync(Edit(room, topic: "mine"), new SaveInfoOptions { IfMatch = stale }));

        Assert.True(conflict.IsConflict);
        Assert.Equal((412, "error-room-modified", "error-room-modified"), (conflict.Status, conflict.Error, conflict.ErrorType));
        Assert.Equal("theirs", conflict.CurrentRoom!.Topic);
        Assert.Equal(other.ETag, conflict.ETag);
        Assert.Equal(other.ETag, conflict.CurrentRoom.ETag);
        Assert.Equal(JsonValueKind.Object, conflict.Details!.Value.GetProperty("room").ValueKind);
        Assert.Null(conflict.SaveInfoField().Field);
        var retried = await client.Rooms.SaveInfoAsync(Edit(room, topic: "mine"), new SaveInfoOptions { IfMatch = conflict.ETag });
        Assert.Equal("mine", retried.Room!.Topic);
    }

    [Fact]
    public async Task SaveInfoWithTheSameIdempotencyKeyReplaysTheFirstAnswer()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);
        var key = Guid.NewGuid().ToString();
        var options = new SaveInfoOptions { IdempotencyKey = key };

        var first = await client.Rooms.SaveInfoAsync(Edit(room, topic: "once"), options);
        var again = await client.Rooms.SaveInfoAsync(Edit(room, topic: "once"), options);

        Assert.False(first.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(first.ETag, again.ETag);
        Assert.Equal(first.Room!.Version, again.Room!.Version);
        var audit = await client.Rooms.AuditLogAsync(room.Str("_id"));
        Assert.Single(audit.Items, e => e.Changes.ContainsKey("topic"));
    }

    [Fact]
    public async Task DryRunReportsTheChangesAndWritesNothing()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);
        var (before, etag) = await client.Rooms.GetAsync(room.Str("_id"));

        var dry = await client.Rooms.SaveInfoAsync(Edit(room, topic: "maybe", tags: ["a", "b"]), new SaveInfoOptions { DryRun = true });

        Assert.Equal("maybe", dry.Changes!["topic"].To!.Value.GetString());
        Assert.Null(dry.Changes["topic"].From);
        Assert.Equal("""["a","b"]""", dry.Changes["tags"].To!.Value.GetRawText());
        Assert.Null(dry.Room);
        var (after, etagAfter) = await client.Rooms.GetAsync(room.Str("_id"));
        Assert.Equal((before.Topic, etag), (after.Topic, etagAfter));
    }

    [Fact]
    public async Task SaveInfoValidationMessagesNameTheirField()
    {
        using var admin = await factory.AdminClientAsync();
        var field = TestUsers.Unique("cf");
        await admin.CustomFields.SaveAsync(null, new CustomFieldData { Field = field, Label = "Order number", Regexp = "^[A-Z]-\\d+$" });
        var (room, _, _, _) = await factory.CreateServedRoomAsync();

        var badField = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Rooms.SaveInfoAsync(Edit(room) with
        {
            RoomData = new SaveInfoRoom { Id = room.Str("_id"), LivechatData = new Dictionary<string, string> { [field] = "nope" } },
        }));
        var badEmail = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Rooms.SaveInfoAsync(Edit(room, email: "not-an-address")));
        var badPriority = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Rooms.SaveInfoAsync(Edit(room) with
        {
            RoomData = new SaveInfoRoom { Id = room.Str("_id"), PriorityId = "000000000000000000000000" },
        }));
        var badSla = await Assert.ThrowsAsync<LivechatApiException>(() => admin.Rooms.SaveInfoAsync(Edit(room) with
        {
            RoomData = new SaveInfoRoom { Id = room.Str("_id"), SlaId = "000000000000000000000000" },
        }));

        Assert.Equal((400, "Invalid value for Order number field"), (badField.Status, badField.Error));
        Assert.Equal(new SaveInfoFieldError("livechatData", "Invalid value for Order number field", "Order number"), badField.SaveInfoField());
        Assert.Equal("error-invalid-email", badEmail.Error);
        Assert.Equal("email", badEmail.SaveInfoField().Field);
        Assert.Equal("priorityId", badPriority.SaveInfoField().Field);
        Assert.Equal("SLA not found with id: 000000000000000000000000", badSla.Error);
        Assert.Equal("slaId", badSla.SaveInfoField().Field);
    }

    [Fact]
    public async Task AuditLogListsWhoChangedWhatNewestFirst()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);
        await client.Rooms.SaveInfoAsync(Edit(room, topic: "one"));
        await client.Rooms.SaveInfoAsync(Edit(room, topic: "two"));

        var log = await client.Rooms.AuditLogAsync(room.Str("_id"), new PageRequest(Count: 1));

        var latest = Assert.Single(log.Items);
        Assert.True(log.Total >= 2);
        Assert.Equal(agent.Id, latest.Actor!.Id);
        Assert.Equal(agent.Username, latest.Actor.Username);
        Assert.Equal(room.Str("_id"), latest.RoomId);
        Assert.Equal("one", latest.Changes["topic"].From!.Value.GetString());
        Assert.Equal("two", latest.Changes["topic"].To!.Value.GetString());
    }

    [Fact]
    public async Task CloseWithCommentAndTagsClosesTheRoom()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        using var client = await factory.ClientAsync(agent);

        await client.Rooms.CloseAsync(room.Str("_id"), "Solved", ["billing"]);

        var (closed, _) = await client.Rooms.GetAsync(room.Str("_id"));
        Assert.False(closed.IsOpen);
        Assert.Equal(["billing"], closed.Tags);
        Assert.Equal("user", closed.Closer);
        Assert.Equal(agent.Id, closed.ClosedBy!.Id);
        var history = await client.Messages.HistoryAsync(room.Str("_id"));
        Assert.Contains(history, m => m.T == SystemMessageTypes.Close && m.Msg == "Solved");
        var again = await Assert.ThrowsAsync<LivechatApiException>(() => client.Rooms.CloseAsync(room.Str("_id"), "again"));
        Assert.Equal("error-room-already-closed", again.Error);
    }

    internal static SaveInfoRequest Edit(JsonElement room, string? topic = null, string? name = null, string? email = null,
        IReadOnlyList<string>? tags = null) => new()
        {
            GuestData = new SaveInfoGuest { Id = room.GetProperty("v").Str("_id"), Name = name, Email = email },
            RoomData = new SaveInfoRoom { Id = room.Str("_id"), Topic = topic, Tags = tags },
        };
}

public sealed class RoomsSqliteTests(SqliteServerFactory factory) : RoomsTests<SqliteServerFactory>(factory);

public sealed class RoomsPostgresTests(PostgresServerFactory factory) : RoomsTests<PostgresServerFactory>(factory);
