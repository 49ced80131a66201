using System.Text.Json.Nodes;
using Livechat.Server.CustomFields;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Rooms;
using Livechat.Server.Http;
using Livechat.Server.Settings;
using Livechat.Server.Users;
using Livechat.Server.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Livechat.Server.Visitors;

/// <summary>
/// A checked <c>POST livechat/visitor</c> request, ready to be written. The token is the only thing that finds an
/// existing visitor; the visitor's <c>_id</c> and <c>guest-N</c> username are always the server's (docs/compatibility.md).
/// </summary>
public sealed record VisitorRegistration(
    string Token, string? Name, string? Email, string? Phone, string? DepartmentId,
    List<(string Key, string Value, bool Overwrite)>? CustomFields, ApiError? Error = null)
{
    /// <summary>The widget makes 17-character tokens; a shorter one is guessable.</summary>
    public const int MinTokenLength = 8;

    public string? UserAgent { get; init; }
    public string? Ip { get; init; }
    public string? Host { get; init; }

    /// <summary>Every check of Rocket.Chat's registerGuest, run before anything is written.</summary>
    public static async Task<VisitorRegistration> ValidateAsync(JsonObject input, LivechatDb db, CancellationToken ct)
    {
        static VisitorRegistration Fail(ApiError e) => new("", null, null, null, null, null, e);
        var token = (string)input["token"]!;
        if (token.Trim().Length == 0) return Fail(ApiError.Coded("error-invalid-token", "Token cannot be empty"));
        if (token.Length < MinTokenLength)
        {
            return Fail(ApiError.Coded("error-invalid-token", $"Token must be at least {MinTokenLength} characters"));
        }
        var name = MeteorCheck.StringOf(input, "name");
        if (name is not null && Limits.TooLong(name, Limits.MaxNameLength)) return Fail(Limits.ValueTooLong("name", Limits.MaxNameLength));
        // A client may name its own visitor's id (Rocket.Chat clients send it); another visitor's id is refused, and a new
        // one is not taken: ids are the server's, so nobody can pick one that shows up as someone else in staff views.
        if (NonEmpty(MeteorCheck.StringOf(input, "id")) is { } id && await db.Visitors.AnyAsync(v => v.Id == id && v.Token != token, ct))
        {
            return Fail(ApiError.Coded("error-invalid-visitor", "The visitor id belongs to another visitor"));
        }

        string? departmentId = null;
        if (MeteorCheck.StringOf(input, "department") is { Length: > 0 } department)
        {
            departmentId = await db.Departments.AsNoTracking().Where(d => d.Id == department || d.Name == department)
                .OrderBy(d => d.Id == department ? 0 : 1).Select(d => d.Id).FirstOrDefaultAsync(ct);
            if (departmentId is null) return Fail(ApiError.Coded("error-invalid-department", "The provided department is invalid"));
        }
        var email = MeteorCheck.StringOf(input, "email")?.Trim().ToLowerInvariant();
        if (email is { Length: > 0 } && !EmailAddress.Pattern().IsMatch(email))
        {
            return Fail(ApiError.Coded("error-invalid-email", $"Invalid email {Limits.Excerpt(email)}"));
        }
        var fields = VisitorEndpoints.ParseCustomFields(input).Fields;
        if (fields is not null && await CheckCustomFieldsAsync(fields, db, ct) is { } fieldError) return Fail(fieldError);

        var phone = NonEmpty(MeteorCheck.StringOf(input, "phone")?.Trim());
        // The indexed values are checked here, before anything is written: a new visitor's number is taken before the
        // write (GuestNumbers), and a refused registration must not use one up.
        if ((IndexedValueLimit.TooLong(nameof(Visitor.Token), token) ?? IndexedValueLimit.TooLong(nameof(Visitor.Email), email)
            ?? IndexedValueLimit.TooLong(nameof(Visitor.Phone), phone)) is { } tooLong)
        {
            return Fail(tooLong);
        }

        return new VisitorRegistration(token, name, NonEmpty(email), phone, departmentId, fields);
    }

    static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    static async Task<ApiError?> CheckCustomFieldsAsync(List<(string Key, string Value, bool Overwrite)> fields, LivechatDb db, CancellationToken ct)
    {
        var definitions = await db.CustomFields.AsNoTracking().Where(f => f.Scope == "visitor").ToListAsync(ct);
        var keys = fields.Select(f => f.Key).ToHashSet();
        var missing = definitions.Where(d => d.Required == true && !keys.Contains(d.Id)).Select(d => d.Id).ToList();
        if (missing.Count > 0) return ApiError.Failure($"Missing required custom fields: {string.Join(", ", missing)}");
        foreach (var (key, value, _) in fields)
        {
            if (definitions.FirstOrDefault(d => d.Id == key) is not { } definition) continue;
            if (value.Length > Limits.MaxCustomFieldValueLength) return Limits.CustomFieldValueTooLong(key);
            if (!CustomFieldRules.Matches(definition.Regexp, value))
            {
                return ApiError.Failure($"Invalid value for {definition.Label} field");
            }
        }
        return null;
    }

    /// <summary>
    /// Finds the visitor by token, or creates one named <c>guest-N</c> with a server-made id; applies the fields, and
    /// lets the visitor's open rooms and inquiries follow a name change. All in one transaction.
    /// </summary>
    /// <remarks>
    /// Rocket.Chat also finds a visitor by phone, then e-mail, and answers with <em>that</em> visitor and its token:
    /// whoever knows an address takes the conversation over. Here a second visitor with the same address is a visitor
    /// of its own; staff see the visitors sharing an address as <c>possibleDuplicates</c> in <c>visitors.info</c>.
    /// </remarks>
    public static async Task<Visitor> SaveAsync(VisitorRegistration r, LivechatDb db, Writes writes, GuestNumbers guests, TimeProvider time,
        CancellationToken ct)
    {
        await RoomQueries.KeepConnectionAsync(db, ct);
        var visitorFields = r.CustomFields is null ? [] : await db.CustomFields.AsNoTracking()
            .Where(f => f.Scope == "visitor").Select(f => f.Id).ToListAsync(ct);
        long? number = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Looked up before the write, outside SQLite's writer: a registration of the same token that comes between
                // breaks the token's unique index (a new visitor) or the visitor's version (a found one), and this runs again.
                var visitor = await VisitorOfToken.For(db)(db, r.Token, ct);
                var now = time.UtcNow();
                var isNew = visitor is null;
                if (visitor is null)
                {
                    // The number is taken before the write (GuestNumbers), so the save is prepared whole before its turn; an
                    // attempt that lost its token to a concurrent registration leaves its number to the next attempt.
                    number ??= await guests.NextAsync(db, writes, ct);
                    visitor = new Visitor { Id = Ids.NewObjectId(), Token = r.Token, Username = $"guest-{number}", Ts = now, UpdatedAt = now };
                    db.Visitors.Add(visitor);
                }
                if (Apply(r, visitor, isNew, visitorFields, now))
                {
                    // A new name goes to the visitor's open room and inquiry too, read and written in one locked write (rare).
                    return await writes.RunAsync(db, (write, c) => RenameAsync(visitor, write, now, c), ct);
                }
                // The common case: the visitor's row alone, as a prepared save (its implications worked out before the turn).
                await writes.SaveAsync(db, ct);
                // The settings snapshot may show the previous Livechat_guest_count for up to its two seconds: it is only a counter.
                return visitor;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // A concurrent registration with the same token won the insert, or a concurrent edit of the visitor moved
                // its version: run again, on what is stored now.
                db.ChangeTracker.Clear();
            }
        }
    }

    static readonly CompiledQuery<Func<LivechatDb, string, CancellationToken, Task<Visitor?>>> VisitorOfToken = new(() => EF.CompileAsyncQuery(
        (LivechatDb db, string token, CancellationToken _) => db.Visitors.FirstOrDefault(v => v.Token == token)));

    /// <summary>Sets the registration's fields on the tracked visitor; whether a stored visitor got a new name.</summary>
    static bool Apply(VisitorRegistration r, Visitor visitor, bool isNew, List<string> visitorFields, DateTime now)
    {
        var renamed = !isNew && r.Name is not null && r.Name != visitor.Name;
        if (r.Name is not null) visitor.Name = r.Name;
        if (r.Email is not null) visitor.Email = r.Email;
        if (r.Phone is not null) visitor.Phone = r.Phone;
        if (r.DepartmentId is not null) visitor.Department = r.DepartmentId;
        if (r.UserAgent is not null) (visitor.UserAgent, visitor.Ip, visitor.Host) = (r.UserAgent, r.Ip, r.Host);
        foreach (var (key, value, overwrite) in r.CustomFields ?? [])
        {
            if (!visitorFields.Contains(key)) continue;
            var data = visitor.LivechatData is null ? [] : new Dictionary<string, string>(visitor.LivechatData);
            if (overwrite || !data.ContainsKey(key)) data[key] = value;
            visitor.LivechatData = data;
        }
        visitor.UpdatedAt = now;
        return renamed;
    }

    static async Task<Visitor> RenameAsync(Visitor visitor, LivechatDb db, DateTime now, CancellationToken ct)
    {
        // Tracked, so the rename is in the room's change event and audit log with its old value.
        var name = visitor.Name!;
        foreach (var room in await RoomLocks.LockOpenOfVisitorAsync(db, visitor.Id, ct))
        {
            room.Fname = name;
        }
        await db.Inquiries.Where(i => i.VisitorId == visitor.Id).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Name, name).SetProperty(i => i.UpdatedAt, now), ct);
        await db.SaveChangesAsync(ct);
        return visitor;
    }
}

/// <summary>
/// The numbers of <c>guest-N</c> usernames, handed out from blocks that this process reserves in the
/// <c>Livechat_guest_count</c> counter (<see cref="GuestCounter.ReserveAsync"/>): one counter write per
/// <see cref="Block"/> registrations instead of one each, and outside the registration's own write, which is then
/// prepared whole before its turn. Every process reserves its own blocks, so no two visitors share a number, across
/// processes too. Numbers are unique and increase within a block, but two processes hand out from their blocks side by
/// side, and a process that stops leaves the rest of its block unused: the numbers have gaps, as Rocket.Chat's have
/// when a registration fails after its increment (docs/compatibility.md). A change of the setting applies from the
/// next block. One per server (a singleton).
/// </summary>
public sealed class GuestNumbers : IDisposable
{
    /// <summary>How many numbers one reservation takes.</summary>
    public const int Block = 32;

    readonly Lock _lock = new();
    readonly SemaphoreSlim _reserving = new(1, 1);
    readonly TimeProvider _time;
    long _next;
    long _end;

    public GuestNumbers(TimeProvider time) => _time = time;

    public void Dispose() => _reserving.Dispose();

    /// <summary>The next number, reserving a block first when this process has none left.</summary>
    public async Task<long> NextAsync(LivechatDb db, Writes writes, CancellationToken ct)
    {
        if (TryTake(out var number)) return number;
        await _reserving.WaitAsync(ct);
        try
        {
            if (TryTake(out number)) return number;
            // On SQLite the reservation is a write of its own in the group writer; on PostgreSQL a short transaction.
            var last = db.IsPostgres
                ? await GuestCounter.ReserveOnItsOwnAsync(db, Block, _time.UtcNow(), ct)
                : await writes.RunAsync(db, (write, c) => GuestCounter.ReserveAsync(write, Block, _time.UtcNow(), c), ct);
            lock (_lock)
            {
                (_next, _end) = (last - Block + 1, last + 1);
                return _next++;
            }
        }
        finally
        {
            _reserving.Release();
        }
    }

    bool TryTake(out long number)
    {
        lock (_lock)
        {
            number = _next;
            if (_next == _end) return false;
            _next++;
            return true;
        }
    }
}

/// <summary>The <c>Livechat_guest_count</c> counter behind <c>guest-N</c> usernames: the last number reserved.</summary>
public static class GuestCounter
{
    /// <summary>
    /// Moves the counter on by <paramref name="count"/> and returns its new value (the last number of the reserved block)
    /// in one <c>UPDATE … RETURNING</c> statement (SQLite ≥ 3.35 and PostgreSQL): the row lock (PostgreSQL) or the write
    /// lock (SQLite) serialises concurrent reservations, across processes too. Run it inside the caller's transaction. A
    /// plain command: on SQLite it runs inside the group writer, where EF's query pipeline would cost every write's turn.
    /// </summary>
    public static async Task<long> ReserveAsync(LivechatDb db, int count, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = """
                UPDATE settings SET "Value" = CAST(CAST(CAST("Value" AS NUMERIC) AS BIGINT) + @count AS TEXT), "UpdatedAt" = @now
                WHERE "Id" = 'Livechat_guest_count'
                RETURNING "Value"
                """;
            foreach (var (name, value) in new (string, object)[] { ("count", count), ("now", now) })
            {
                var parameter = command.CreateParameter();
                (parameter.ParameterName, parameter.Value) = (name, value);
                command.Parameters.Add(parameter);
            }
            return await command.ExecuteScalarAsync(ct) is string last
                ? long.Parse(last, System.Globalization.CultureInfo.InvariantCulture)
                : throw new InvalidOperationException("The Livechat_guest_count setting is missing.");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// <see cref="ReserveAsync"/> in a transaction of its own that holds the row lock only for the statement: its commit
    /// does not wait for the disk (<c>synchronous_commit = off</c>), which is safe because a visitor that got a number of
    /// the block commits durably later, and PostgreSQL's log makes everything before that commit durable with it (a block
    /// lost in a crash had no visitor). PostgreSQL only.
    /// </summary>
    public static async Task<long> ReserveOnItsOwnAsync(LivechatDb db, int count, DateTime now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = off", ct);
        var last = await ReserveAsync(db, count, now, ct);
        await transaction.CommitAsync(ct);
        return last;
    }
}
