using System.Diagnostics;
using Livechat.Server.Auth;
using Livechat.Server.CustomFields;
using Livechat.Server.Data;
using Livechat.Server.Departments;
using Livechat.Server.Http;
using Livechat.Server.Messages;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Livechat.Server.Slas;
using Livechat.Server.Tags;
using Livechat.Server.Users;
using Livechat.Server.Visitors;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Demo;

/// <summary>
/// <c>seed --rooms N</c>: fills the configured database with realistic livechat history — agents, departments, tags,
/// custom fields, SLAs, one visitor per room, open (served) and closed rooms with tags, custom-field values,
/// priorities, SLAs and messages — using bulk inserts. Deterministic for a given N. Agents log in with
/// <see cref="AgentPassword"/>; their usernames are <c>agent-1</c>, <c>agent-2</c>….
/// </summary>
public static class DemoSeed
{
    public const string AgentPassword = "agent-pass";
    const int MessagesPerRoom = 3;

    /// <summary>Seeds <paramref name="rooms"/> rooms into the migrated database of <paramref name="app"/> (the <c>seed</c> command).</summary>
    public static async Task<int> RunAsync(WebApplication app, int rooms)
    {
        var clock = Stopwatch.StartNew();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        if (await db.Rooms.AnyAsync())
        {
            Console.Error.WriteLine("The database already holds rooms; seed only a fresh database.");
            return 1;
        }
        var world = await SeedCataloguesAsync(db, rooms);
        var indexes = await DropIndexesAsync(db);
        try
        {
            await SeedRoomsAsync(db, world, rooms);
        }
        finally
        {
            await RebuildIndexesAsync(db, indexes);
        }
        // The agents' open-room counts, counted once from the rooms: on SQLite the fill ran without the rooms triggers
        // that keep them (migration Search).
        await db.Database.ExecuteSqlRawAsync(
            """UPDATE users SET "OpenRoomCount" = (SELECT count(*) FROM rooms WHERE rooms."Open" AND rooms."ServedById" = users."Id")""");
        await scope.ServiceProvider.GetRequiredService<SettingsStore>()
            .SetAsync(db, "Livechat_guest_count", System.Text.Json.Nodes.JsonValue.Create(rooms + 1));
        if (!db.IsPostgres)
        {
            // The bulk inserts deferred checkpoints; fold the write-ahead log into the database file now.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            await db.Database.ExecuteSqlRawAsync("ANALYZE;");
        }
        else
        {
            // VACUUM as well: a million fresh rows would otherwise set autovacuum off on the first minutes of use.
            await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE);");
        }
        Console.WriteLine($"Seeded {rooms} rooms, {world.Agents.Count} agents, {world.Departments.Count} departments in {clock.Elapsed.TotalSeconds:F1} s.");
        return 0;
    }

    sealed record World(List<User> Agents, List<string> Departments, List<string> Tags, List<string> Priorities, List<Sla> Slas, DateTime Now);

    static async Task<World> SeedCataloguesAsync(LivechatDb db, int rooms)
    {
        var now = DateTime.UtcNow;
        var agentCount = Math.Clamp(rooms / 1000, 5, 200);
        var template = new User { Id = "", Username = "", UsernameKey = "", CreatedAt = now, UpdatedAt = now };
        var hash = Passwords.Hash(template, AgentPassword);
        var agents = Enumerable.Range(1, agentCount).Select(i => new User
        {
            Id = Ids.NewId(), Username = $"agent-{i}", UsernameKey = $"agent-{i}", Name = $"Agent {i}",
            Email = $"agent-{i}@example.com", EmailVerified = true, Roles = ["user", "livechat-agent"],
            StatusLivechat = "available", PasswordHash = hash, CreatedAt = now, UpdatedAt = now,
            // Online as after users.setStatus, so routing (which takes online agents only) serves the benchmark's rooms.
            Status = "online",
        }).ToList();
        db.Users.AddRange(agents);

        var departments = Enumerable.Range(1, 10).Select(i => new Department
        {
            Id = Ids.NewObjectId(), Name = $"Department {i}", Email = $"department-{i}@example.com", UpdatedAt = now,
            NumAgents = agents.Where((_, a) => a % 10 == i - 1).Count(),
        }).ToList();
        db.Departments.AddRange(departments);
        db.DepartmentAgents.AddRange(agents.Select((a, i) => new DepartmentAgent
        {
            Id = Ids.NewObjectId(), AgentId = a.Id, DepartmentId = departments[i % 10].Id, Username = a.Username,
        }));

        var tags = Enumerable.Range(1, 50).Select(i => $"tag-{i}").ToList();
        db.Tags.AddRange(tags.Select(t => new Tag { Id = Ids.NewObjectId(), Name = t, NameKey = t, Description = $"Demo {t}", UpdatedAt = now }));
        db.CustomFields.AddRange(
            new CustomField { Id = "orderId", Label = "Order id", Scope = "room", Visibility = "visible", Type = "input", Regexp = "^[A-Z]-\\d+$", Searchable = true, UpdatedAt = now },
            new CustomField { Id = "channel", Label = "Channel", Scope = "room", Visibility = "visible", Type = "select", Options = "web,mobile,email", UpdatedAt = now },
            new CustomField { Id = "customerTier", Label = "Customer tier", Scope = "visitor", Visibility = "visible", Type = "input", Searchable = true, UpdatedAt = now });
        var slas = new[] { ("Platinum", 5), ("Gold", 15), ("Silver", 60), ("Bronze", 240), ("Basic", 1440) }
            .Select(s => new Sla { Id = Ids.NewObjectId(), Name = s.Item1, Description = $"{s.Item1} support", DueTimeInMinutes = s.Item2, UpdatedAt = now })
            .ToList();
        db.Slas.AddRange(slas);
        await db.SaveChangesAsync();
        var priorities = await db.Priorities.OrderBy(p => p.SortItem).Select(p => p.Id).ToListAsync();
        return new World(agents, departments.Select(d => d.Id).ToList(), tags, priorities, slas, now);
    }

    /// <summary>The tables the seed fills in bulk.</summary>
    const string BulkTables = "'visitors', 'rooms', 'messages', 'inquiries', 'room_tags', 'room_fields'";

    /// <summary>
    /// Drops the secondary indexes (and on SQLite the search-index triggers) of the bulk-filled tables and returns their
    /// definitions: building an index once from the finished table is many times faster than growing it row by row in
    /// random key order. Primary keys stay.
    /// </summary>
    static async Task<List<string>> DropIndexesAsync(LivechatDb db)
    {
        var definitions = await db.Database.SqlQueryRaw<IndexDefinition>(db.IsPostgres
            ? $"SELECT indexname AS \"Name\", indexdef AS \"Sql\" FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ({BulkTables}) AND indexname NOT LIKE 'PK\\_%'"
            : $"SELECT type || ' \"' || name || '\"' AS Name, sql AS Sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN ({BulkTables})")
            .ToListAsync();
        foreach (var index in definitions)
        {
            // A name read from the catalogue, not user input; on SQLite it comes as 'index "name"' or 'trigger "name"'.
            var drop = "DROP " + (db.IsPostgres ? "INDEX \"" + index.Name + "\"" : index.Name);
            await db.Database.ExecuteSqlRawAsync(drop);
        }
        return definitions.Select(i => i.Sql).ToList();
    }

    static async Task RebuildIndexesAsync(LivechatDb db, List<string> definitions)
    {
        var clock = Stopwatch.StartNew();
        if (!db.IsPostgres)
        {
            // The fill left gigabytes in the write-ahead log (checkpoints deferred); the index builds read every table,
            // and read faster from the database file than through the log.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            // The custom-field search index (migration Search) is built once from the filled table.
            await db.Database.ExecuteSqlRawAsync("INSERT INTO room_fields_trgm(room_fields_trgm) VALUES ('rebuild')");
        }
        foreach (var sql in definitions)
        {
            await db.Database.ExecuteSqlRawAsync(sql);
        }
        Console.WriteLine($"  rebuilt {definitions.Count} indexes and triggers ({clock.Elapsed.TotalSeconds:F0} s)");
    }

    sealed record IndexDefinition(string Name, string Sql);

    /// <summary>One visitor per room; every tenth room open and served, the rest closed with a closing message.</summary>
    static async Task SeedRoomsAsync(LivechatDb db, World world, int count)
    {
        const int chunk = 50_000;
        var elapsed = Stopwatch.StartNew();
        for (var start = 0; start < count; start += chunk)
        {
            var size = Math.Min(chunk, count - start);
            var random = new Random(start);
            var visitors = new List<Visitor>(size);
            var rooms = new List<LivechatRoom>(size);
            var messages = new List<Message>(size * MessagesPerRoom);
            var inquiries = new List<Inquiry>();
            var roomTags = new List<RoomTag>();
            var roomFields = new List<RoomField>();
            for (var i = start; i < start + size; i++)
            {
                var (visitor, room) = NewRoom(world, random, i);
                visitors.Add(visitor);
                rooms.Add(room);
                messages.AddRange(NewMessages(world, room, visitor));
                if (room.Open)
                {
                    inquiries.Add(new Inquiry
                    {
                        Id = Ids.NewObjectId(), Rid = room.Id, Name = room.Fname, Status = "taken", VisitorId = visitor.Id,
                        VisitorUsername = visitor.Username, VisitorToken = visitor.Token, Department = room.DepartmentId,
                        Ts = room.Ts, QueuedAt = room.Ts, TakenAt = room.Ts, UpdatedAt = room.Ts, PriorityId = room.PriorityId,
                        PriorityWeight = room.PriorityWeight, SlaId = room.SlaId, EstimatedWaitingTimeQueue = room.EstimatedWaitingTimeQueue,
                    });
                }
                roomTags.AddRange((room.Tags ?? []).Select(t => new RoomTag { RoomId = room.Id, Tag = t }));
                roomFields.AddRange((room.LivechatData ?? []).Select(kv => new RoomField
                {
                    RoomId = room.Id, Key = kv.Key, Value = kv.Value, ValueLower = kv.Value.ToLowerInvariant(),
                }));
            }
            await BulkInsert.InsertAsync(db, visitors);
            await BulkInsert.InsertAsync(db, rooms);
            await BulkInsert.InsertAsync(db, messages);
            await BulkInsert.InsertAsync(db, inquiries);
            await BulkInsert.InsertAsync(db, roomTags);
            await BulkInsert.InsertAsync(db, roomFields);
            Progress($"  {start + size} of {count} rooms ({elapsed.Elapsed.TotalSeconds:F0} s)", done: start + size == count);
        }
    }

    /// <summary>On a terminal one line rewritten in place; redirected (a log, bench/run.sh), one line per step.</summary>
    static void Progress(string line, bool done)
    {
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(line);
            return;
        }
        Console.Write("\r" + line);
        if (done) Console.WriteLine();
    }

    static (Visitor, LivechatRoom) NewRoom(World world, Random random, int i)
    {
        var ts = world.Now.AddMinutes(-(i + 60));
        var visitor = new Visitor
        {
            Id = Ids.NewObjectId(), Token = $"demo-token-{i}", Username = $"guest-{i + 2}", Name = $"Visitor {i}",
            Email = $"visitor-{i}@example.com", Phone = random.Next(2) == 0 ? $"+1555{i:D7}" : null,
            Department = world.Departments[i % world.Departments.Count], Status = "offline", Ts = ts, UpdatedAt = ts,
            LivechatData = random.Next(3) == 0 ? new() { ["customerTier"] = random.Next(2) == 0 ? "gold" : "silver" } : null,
        };
        var agent = world.Agents[i % world.Agents.Count];
        var open = i % 10 == 0;
        var tags = world.Tags.OrderBy(_ => random.Next()).Take(random.Next(4)).ToList();
        var data = new Dictionary<string, string>();
        if (random.Next(2) == 0) data["orderId"] = $"A-{i}";
        if (random.Next(3) == 0) data["channel"] = "web";
        var priority = random.Next(10) < 3 ? random.Next(world.Priorities.Count) : -1;
        var sla = random.Next(10) < 2 ? world.Slas[random.Next(world.Slas.Count)] : null;
        var room = new LivechatRoom
        {
            Id = Ids.NewId(), Fname = visitor.Name!, Msgs = open ? MessagesPerRoom - 1 : MessagesPerRoom, Ts = ts,
            Lm = ts.AddMinutes(2), UpdatedAt = ts.AddMinutes(3), Open = open, WaitingResponse = false,
            VisitorId = visitor.Id, VisitorUsername = visitor.Username, VisitorToken = visitor.Token,
            VisitorStatus = open ? "online" : "offline", VisitorLastMessageTs = ts.AddMinutes(1),
            ServedById = agent.Id, ServedByUsername = agent.Username, ServedByTs = ts,
            DepartmentId = visitor.Department, ResponseById = agent.Id, ResponseByUsername = agent.Username,
            FirstResponseTs = ts.AddMinutes(2), ResponseLastMessageTs = ts.AddMinutes(2),
            Topic = random.Next(4) == 0 ? "Order question" : null, Tags = tags.Count == 0 ? null : tags,
            LivechatData = data.Count == 0 ? null : data,
            PriorityId = priority >= 0 ? world.Priorities[priority] : null,
            PriorityWeight = priority >= 0 ? priority + 1 : LivechatRoom.NoPriorityWeight,
            SlaId = sla?.Id, EstimatedWaitingTimeQueue = sla?.DueTimeInMinutes ?? LivechatRoom.NoSlaWaitingTime,
        };
        if (!open)
        {
            room.ClosedAt = ts.AddMinutes(3);
            room.ClosedById = agent.Id;
            room.ClosedByUsername = agent.Username;
            room.Closer = "user";
            room.ChatDuration = 180;
            room.ServiceTimeDuration = 180;
        }
        return (visitor, room);
    }

    static IEnumerable<Message> NewMessages(World world, LivechatRoom room, Visitor visitor)
    {
        var agent = world.Agents.First(a => a.Id == room.ServedById);
        yield return new Message
        {
            Id = Ids.NewId(), Rid = room.Id, Msg = "Hello, I have a question about my order.", Ts = room.Ts.AddMinutes(1),
            UpdatedAt = room.Ts.AddMinutes(1), UserId = visitor.Id, Username = visitor.Username, UserDisplayName = visitor.Name,
            Token = visitor.Token,
        };
        yield return new Message
        {
            Id = Ids.NewId(), Rid = room.Id, Msg = "Hi! Happy to help.", Ts = room.Ts.AddMinutes(2), UpdatedAt = room.Ts.AddMinutes(2),
            UserId = agent.Id, Username = agent.Username, UserDisplayName = agent.Name,
        };
        if (!room.Open)
        {
            yield return new Message
            {
                Id = Ids.NewId(), Rid = room.Id, Msg = "Thanks for contacting us", Ts = room.ClosedAt!.Value,
                UpdatedAt = room.ClosedAt.Value, UserId = agent.Id, Username = agent.Username, UserDisplayName = agent.Name,
                T = "livechat-close", Groupable = false,
            };
        }
    }
}
