using Livechat.Server.Events;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Tests.Events;

/// <summary>
/// The write convention: a room is written by changing the entity and saving, and everything else follows (version,
/// <c>_updatedAt</c>, side tables, event, audit row). <see cref="RoomWriteGuard"/> turns every test class into a check
/// of it; the tests here show that the guard refuses what breaks it.
/// </summary>
public abstract class WriteConventionTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public void TrackedFieldsAreTheOnesDeclaredOnTheEntities()
    {
        var fields = ChangeFields.All.Select(f => f.Audited ? f.Name : $"({f.Name})");

        Assert.Equal(
            [
                "fname", "open", "servedBy", "departmentId", "topic", "tags", "livechatData", "priorityId", "slaId",
                "(estimatedWaitingTimeQueue)", "onHold", "closedAt", "closedBy", "closer", "crmData",
                "visitor.name", "visitor.email", "visitor.phone", "visitor.department", "(visitor.status)", "visitor.livechatData",
            ],
            fields);
        Assert.False(ChangeFields.TriggersWebhook("crmData"));
        Assert.True(ChangeFields.TriggersWebhook("topic"));
    }

    [Fact]
    public async Task ChangingARoomAndSavingMovesItsVersionFillsItsTagTableAndLogsIt()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var before = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        var tag = TestUsers.Unique("convention");

        await factory.WithDbAsync(async db =>
        {
            var stored = await db.Rooms.SingleAsync(r => r.Id == rid);
            stored.Topic = "Convention";
            stored.Tags = [tag];
            await db.SaveChangesAsync();
        });

        var after = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal(before.GetProperty("_version").GetInt32() + 1, after.GetProperty("_version").GetInt32());
        Assert.True(DateTime.Parse(after.Str("_updatedAt")!, System.Globalization.CultureInfo.InvariantCulture)
            > DateTime.Parse(before.Str("_updatedAt")!, System.Globalization.CultureInfo.InvariantCulture));
        var admin = await factory.AdminAsync();
        var tagged = (await admin.GetAsync($"livechat/rooms?tags[]={tag}")).Ok().Json.GetProperty("rooms");
        Assert.Equal([rid], tagged.EnumerateArray().Select(r => r.Str("_id")));
        var log = (await agent.Api.GetAsync($"livechat/room.auditLog?roomId={rid}")).Ok().Json.GetProperty("entries");
        Assert.Equal($$$"""{"topic":{"from":null,"to":"Convention"},"tags":{"from":null,"to":["{{{tag}}}"]}}""", log[0].GetProperty("changes").GetRawText());
        Assert.Equal("system", log[0].Str("source"));
    }

    [Fact]
    public async Task AnUpdateOfARoomThatKeepsItsVersionIsRefused()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");

        var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => factory.WithDbAsync(db =>
            db.Rooms.Where(r => r.Id == rid).ExecuteUpdateAsync(s => s.SetProperty(r => r.Topic, "bypass"))));

        Assert.Contains(RoomWriteGuard.Refusal, refused.Message, StringComparison.Ordinal);
        var stored = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.False(stored.TryGetProperty("topic", out _));
    }

    [Fact]
    public async Task AVersionCommittedWithoutItsEventIsFound()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var version = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room").GetProperty("_version").GetInt32();
        var connection = await factory.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));

        await factory.WithDbAsync(db => db.Rooms.Where(r => r.Id == rid)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Topic, "silent").SetProperty(r => r.Version, r => r.Version + 1)));
        var missing = await RoomWriteGuard.MissingEventsAsync(factory.Provider, connection);

        Assert.Contains((rid, version + 1), missing);
        Assert.All(missing, m => Assert.Equal(rid, m.RoomId));
        // Found; forgotten again, so this class's own end-of-class check passes.
        await RoomWriteGuard.ForgetAsync(factory.Provider, connection, rid);
    }
}

public sealed class WriteConventionSqliteTests(SqliteServerFactory factory) : WriteConventionTests<SqliteServerFactory>(factory);

public sealed class WriteConventionPostgresTests(PostgresServerFactory factory) : WriteConventionTests<PostgresServerFactory>(factory);
