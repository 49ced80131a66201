using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Livechat.Server.Tests.Infrastructure;

/// <summary>
/// Makes every test a guard of the write convention (<c>Events/SaveConventions.cs</c>, <c>Rooms/RoomUpdates.cs</c>).
/// Triggers in each test database refuse an UPDATE of a room that changes columns but not <c>Version</c>, log every
/// version a room moves to, and log the room version of every change event inserted (so retention and GDPR removal of
/// events do not hide them); when the factory is disposed, <see cref="MissingEventsAsync"/> must find an event for each
/// logged version of every room still there, or the test class fails.
/// </summary>
public static class RoomWriteGuard
{
    public const string Refusal = "room updated without a version bump";

    public static async Task InstallAsync(string provider, string connectionString)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        if (provider == "Postgres")
        {
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS test_room_versions ("RoomId" text NOT NULL, "Version" integer NOT NULL);
                CREATE OR REPLACE FUNCTION test_rooms_guard() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        DELETE FROM test_room_versions WHERE "RoomId" = OLD."Id";
                        RETURN OLD;
                    END IF;
                    IF NEW."Version" = OLD."Version" AND NEW IS DISTINCT FROM OLD THEN
                        RAISE EXCEPTION '{Refusal}: %', NEW."Id";
                    END IF;
                    IF NEW."Version" <> OLD."Version" THEN
                        INSERT INTO test_room_versions VALUES (NEW."Id", NEW."Version");
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE OR REPLACE TRIGGER test_rooms_guard BEFORE UPDATE OR DELETE ON rooms FOR EACH ROW EXECUTE FUNCTION test_rooms_guard();
                CREATE TABLE IF NOT EXISTS test_room_events ("RoomId" text NOT NULL, "Version" integer NOT NULL);
                CREATE OR REPLACE FUNCTION test_room_events_log() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW."RoomId" IS NOT NULL AND NEW."Data"::jsonb ? 'roomVersion' THEN
                        INSERT INTO test_room_events VALUES (NEW."RoomId", (NEW."Data"::jsonb ->> 'roomVersion')::integer);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE OR REPLACE TRIGGER test_room_events_log AFTER INSERT ON change_events FOR EACH ROW EXECUTE FUNCTION test_room_events_log();
                """;
        }
        else
        {
            command.CommandText = "SELECT name FROM pragma_table_info('rooms') WHERE name <> 'Version'";
            var columns = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
            }
            var changed = string.Join(" OR ", columns.Select(c => $"NEW.\"{c}\" IS NOT OLD.\"{c}\""));
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS test_room_versions ("RoomId" TEXT NOT NULL, "Version" INTEGER NOT NULL);
                CREATE TRIGGER IF NOT EXISTS test_rooms_guard BEFORE UPDATE ON rooms
                WHEN NEW."Version" = OLD."Version" AND ({changed})
                BEGIN SELECT RAISE(ABORT, '{Refusal}'); END;
                CREATE TRIGGER IF NOT EXISTS test_rooms_versions AFTER UPDATE ON rooms WHEN NEW."Version" <> OLD."Version"
                BEGIN INSERT INTO test_room_versions VALUES (NEW."Id", NEW."Version"); END;
                CREATE TRIGGER IF NOT EXISTS test_rooms_forget AFTER DELETE ON rooms
                BEGIN DELETE FROM test_room_versions WHERE "RoomId" = OLD."Id"; END;
                CREATE TABLE IF NOT EXISTS test_room_events ("RoomId" TEXT NOT NULL, "Version" INTEGER NOT NULL);
                CREATE TRIGGER IF NOT EXISTS test_room_events_log AFTER INSERT ON change_events
                WHEN NEW."RoomId" IS NOT NULL AND json_extract(NEW."Data", '$.roomVersion') IS NOT NULL
                BEGIN INSERT INTO test_room_events VALUES (NEW."RoomId", json_extract(NEW."Data", '$.roomVersion')); END;
                """;
        }
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The room versions committed without a change event of that room carrying that version.</summary>
    public static async Task<List<(string RoomId, int Version)>> MissingEventsAsync(string provider, string connectionString)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT DISTINCT v."RoomId", v."Version" FROM test_room_versions v
            WHERE NOT EXISTS (SELECT 1 FROM test_room_events e WHERE e."RoomId" = v."RoomId" AND e."Version" = v."Version")
            ORDER BY 1, 2
            """;
        var missing = new List<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) missing.Add((reader.GetString(0), reader.GetInt32(1)));
        return missing;
    }

    /// <summary>Forgets a room's logged versions (a test that broke the convention on purpose).</summary>
    public static async Task ForgetAsync(string provider, string connectionString, string roomId)
    {
        await using var connection = Open(provider, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM test_room_versions WHERE \"RoomId\" = @room";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "room";
        parameter.Value = roomId;
        command.Parameters.Add(parameter);
        await command.ExecuteNonQueryAsync();
    }

    static DbConnection Open(string provider, string connectionString) =>
        provider == "Postgres" ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString);
}
