using System.Data.Common;
using System.Globalization;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Livechat.Server.Tests.Data;

/// <summary>
/// A prepared save on SQLite runs as statements compiled from the EF model (<see cref="SaveStatements"/>) instead of
/// EF Core's update pipeline. These tests hold it to what EF does: the same stored values, a version conflict and a
/// constraint reported as EF reports them, nothing of a failed save kept, the generated event ids set. On PostgreSQL
/// (EF's pipeline) they pin the same behaviour.
/// </summary>
public abstract class SaveStatementsTests<TFactory>(TFactory factory) : IClassFixture<TFactory> where TFactory : LivechatServerFactory
{
    [Fact]
    public async Task EveryEntityTypeOfTheModelIsSavedByCompiledStatements()
    {
        // An owned type, a shared table or a store default added to an entity would quietly send its saves back
        // through EF Core's pipeline: this names it instead.
        var left = await factory.WithDbAsync(db => Task.FromResult(
            db.Model.GetEntityTypes().Where(t => !SaveStatements.Compiles(db, t)).Select(t => t.ClrType.Name).ToList()));

        Assert.Empty(left);
    }

    [Fact]
    public async Task CompiledSavesStoreEveryColumnAsEfCoreStoresIt()
    {
        var (room, token, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        var admin = await factory.AdminAsync();
        var field = TestUsers.Unique("stmt");
        (await admin.PostAsync("livechat/custom-fields.save", new { customFieldData = new { field, label = field, scope = "room", visibility = "visible" } })).Ok();
        // The room was inserted by a prepared save (opening it); this one updates a room, its visitor and its inquiry:
        // text, a date, JSON (tags, livechatData), the version.
        (await agent.Api.PostAsync("livechat/room.saveInfo", new
        {
            guestData = new { _id = vid, name = "Ünïcode \"Name\"", email = "stmt@example.com", phone = "+1 555 0100" },
            roomData = new Dictionary<string, object>
            {
                ["_id"] = rid, ["topic"] = "emoji 🎉 and 'quotes'", ["tags"] = new[] { "b-tag", "a-tag" },
                ["livechatData"] = new Dictionary<string, string> { [field] = "Value / Ä" },
            },
        })).Is(200, """{"success":true}""");
        var roomRow = await RowAsync("rooms", rid);
        var visitorRow = await RowAsync("visitors", vid);
        var roomJson = (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Body;
        var visitorJson = (await agent.Api.GetAsync($"livechat/visitors.info?visitorId={vid}")).Ok().Body;
        var widgetJson = (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Ok().Body;

        // EF Core's own pipeline writes every column of both rows again, with the values it read back.
        await factory.WithDbAsync(async db =>
        {
            db.Entry(await db.Rooms.SingleAsync(r => r.Id == rid)).State = EntityState.Modified;
            db.Entry(await db.Visitors.SingleAsync(v => v.Id == vid)).State = EntityState.Modified;
            await db.SaveChangesAsync();
        });

        Assert.Equal(roomRow, await RowAsync("rooms", rid));
        Assert.Equal(visitorRow, await RowAsync("visitors", vid));
        Assert.Equal(roomJson, (await admin.GetAsync($"rooms.info?roomId={rid}")).Ok().Body);
        Assert.Equal(visitorJson, (await agent.Api.GetAsync($"livechat/visitors.info?visitorId={vid}")).Ok().Body);
        Assert.Equal(widgetJson, (await factory.Anonymous().GetAsync($"livechat/visitor/{token}")).Ok().Body);
        var saved = System.Text.Json.JsonDocument.Parse(roomJson).RootElement.GetProperty("room");
        Assert.Equal("emoji 🎉 and 'quotes'", saved.Str("topic"));
        Assert.Equal("""["b-tag","a-tag"]""", saved.GetProperty("tags").GetRawText());
        Assert.Equal("Value / Ä", saved.GetProperty("livechatData").Str(field));
        Assert.Equal("Ünïcode \"Name\"", saved.Str("fname"));
    }

    [Fact]
    public async Task AVersionConflictFailsTheSaveAsAConcurrencyExceptionAndKeepsNothingOfIt()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var vid = room.GetProperty("v").Str("_id");
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var writes = scope.ServiceProvider.GetRequiredService<Writes>();
        var stale = await db.Rooms.SingleAsync(r => r.Id == rid);
        var eventsBefore = await EventCountAsync(rid);

        (await agent.Api.PostAsync("livechat/room.saveInfo", new { guestData = new { _id = vid }, roomData = new { _id = rid, topic = "saved first" } })).Ok();
        stale.Topic = "stale write";
        var error = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => writes.SaveAsync(db, CancellationToken.None));

        Assert.Same(stale, Assert.Single(error.Entries).Entity);
        var saved = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.Equal("saved first", saved.Str("topic"));
        Assert.Equal(eventsBefore + 1, await EventCountAsync(rid));
        Assert.Empty(db.ChangeTracker.Entries<ChangeEventRecord>());
    }

    [Fact]
    public async Task AConstraintViolationFailsTheSaveAsAnUpdateExceptionAndRollsBackItsOtherStatements()
    {
        var (room, _, agent, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        var tag = TestUsers.Unique("taken");
        var eventsBefore = await EventCountAsync(rid);
        // A tag row the room's own tags do not know of: the save's insert of the same row breaks the primary key.
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"INSERT INTO room_tags (\"RoomId\", \"Tag\") VALUES ({rid}, {tag})"));
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var writes = scope.ServiceProvider.GetRequiredService<Writes>();
        var stored = await db.Rooms.SingleAsync(r => r.Id == rid);

        stored.Topic = "never saved";
        stored.Tags = [tag];
        var error = await Assert.ThrowsAsync<DbUpdateException>(() => writes.SaveAsync(db, CancellationToken.None));

        Assert.IsNotType<DbUpdateConcurrencyException>(error);
        Assert.Equal(factory.Provider == "Postgres" ? "PostgresException" : "SqliteException", error.InnerException?.GetType().Name);
        // The room's update ran before the failing insert, and went with it.
        var saved = (await agent.Api.GetAsync($"rooms.info?roomId={rid}")).Ok().Json.GetProperty("room");
        Assert.False(saved.TryGetProperty("topic", out _));
        Assert.False(saved.TryGetProperty("tags", out _));
        Assert.Equal(eventsBefore, await EventCountAsync(rid));
        Assert.Empty(db.ChangeTracker.Entries<ChangeEventRecord>());
        await factory.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM room_tags WHERE \"RoomId\" = {rid}"));
    }

    [Fact]
    public async Task TheEventRowsOfACompiledSaveGetTheirGeneratedSeqAndArePublishedWithIt()
    {
        var (room, _, _, _) = await factory.CreateServedRoomAsync();
        var rid = room.Str("_id");
        using var feed = new FeedRecorder(factory);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var writes = scope.ServiceProvider.GetRequiredService<Writes>();
        var stored = await db.Rooms.SingleAsync(r => r.Id == rid);

        stored.Topic = "with its seq";
        await writes.SaveAsync(db, CancellationToken.None);

        var record = Assert.Single(db.ChangeTracker.Entries<ChangeEventRecord>());
        Assert.Equal(EntityState.Unchanged, record.State);
        var last = await factory.WithDbAsync(other => other.ChangeEvents.Where(e => e.RoomId == rid).MaxAsync(e => e.Seq));
        Assert.Equal(last, record.Entity.Seq);
        var published = await feed.NextAsync(e => e.RoomId == rid && e.Changes.ContainsKey("topic"));
        Assert.Equal(last, published.Seq);
        Assert.Equal(EntityState.Unchanged, db.Entry(stored).State);
    }

    Task<int> EventCountAsync(string roomId) => factory.WithDbAsync(db => db.ChangeEvents.CountAsync(e => e.RoomId == roomId));

    /// <summary>A row as the database stores it: each column's value with its stored type (SQLite's storage class).</summary>
    Task<string> RowAsync(string table, string id) => factory.WithDbAsync(async db =>
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} WHERE \"Id\" = @id";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@id";
        parameter.Value = id;
        command.Parameters.Add(parameter);
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return string.Join("\n", Enumerable.Range(0, reader.FieldCount).Select(i =>
            $"{reader.GetName(i)}: {reader.GetValue(i).GetType().Name} {Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)}"));
    });
}

public sealed class SaveStatementsSqliteTests(SqliteServerFactory factory) : SaveStatementsTests<SqliteServerFactory>(factory);

public sealed class SaveStatementsPostgresTests(PostgresServerFactory factory) : SaveStatementsTests<PostgresServerFactory>(factory);
