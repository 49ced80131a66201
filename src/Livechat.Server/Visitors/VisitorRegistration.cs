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
        // The indexed values are checked here, before anything is written: on PostgreSQL a new visitor's number is taken
        // before the write (SaveAsync), and a refused registration must leave the counter as it was.
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
    public static async Task<Visitor> SaveAsync(VisitorRegistration r, LivechatDb db, Writes writes, TimeProvider time, CancellationToken ct)
    {
        var visitorFields = r.CustomFields is null ? [] : await db.CustomFields.AsNoTracking()
            .Where(f => f.Scope == "visitor").Select(f => f.Id).ToListAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // Looked up before the write, outside SQLite's writer: a registration of the same token that comes between
                // breaks the token's unique index (a new visitor) or the visitor's version (a found one), and this runs again.
                var visitor = await VisitorOfToken.For(db)(db, r.Token, ct);
                // PostgreSQL: a new visitor's number is taken before the write, in a short transaction of its own, so that
                // registrations do not queue on the counter's row lock for the length of each other's writes. One that
                // then loses its token to a concurrent registration leaves a gap in the guest-N numbers, as Rocket.Chat's
                // separate increment does. On SQLite the number is taken inside the write, which the group writer serialises.
                var number = visitor is null && db.IsPostgres ? await GuestCounter.NextOnItsOwnAsync(db, time.UtcNow(), ct) : (long?)null;
                return await writes.RunAsync(db, (write, c) => SaveOnceAsync(r, visitor, number, visitorFields, write, time, c), ct);
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

    static async Task<Visitor> SaveOnceAsync(VisitorRegistration r, Visitor? visitor, long? number, List<string> visitorFields, LivechatDb db,
        TimeProvider time, CancellationToken ct)
    {
        var now = time.UtcNow();
        if (visitor is null)
        {
            visitor = new Visitor
            {
                Id = Ids.NewObjectId(),
                Token = r.Token,
                Username = $"guest-{number ?? await GuestCounter.NextAsync(db, now, ct)}",
                Ts = now,
                UpdatedAt = now,
            };
            db.Visitors.Add(visitor);
        }
        var renamed = r.Name is not null && r.Name != visitor.Name && db.Entry(visitor).State != EntityState.Added;
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
        if (renamed)
        {
            // Tracked, so the rename is in the room's change event and audit log with its old value.
            var name = visitor.Name!;
            foreach (var room in await RoomLocks.LockOpenOfVisitorAsync(db, visitor.Id, ct))
            {
                room.Fname = name;
            }
            await db.Inquiries.Where(i => i.VisitorId == visitor.Id).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Name, name).SetProperty(i => i.UpdatedAt, now), ct);
        }
        await db.SaveChangesAsync(ct);
        // The settings snapshot may show the previous Livechat_guest_count for up to its two seconds: it is only a counter.
        return visitor;
    }
}

/// <summary>The <c>Livechat_guest_count</c> counter behind <c>guest-N</c> usernames.</summary>
public static class GuestCounter
{
    /// <summary>
    /// Increments the counter and returns the new value in one <c>UPDATE … RETURNING</c> statement (SQLite ≥ 3.35 and
    /// PostgreSQL): the row lock (PostgreSQL) or the write lock (SQLite) serialises concurrent registrations, across
    /// processes too, so no two visitors share a number. Run it inside the caller's transaction. A plain command: on
    /// SQLite it runs inside the group writer, where EF's query pipeline would cost every write's turn.
    /// </summary>
    public static async Task<long> NextAsync(LivechatDb db, DateTime now, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = """
                UPDATE settings SET "Value" = CAST(CAST(CAST("Value" AS NUMERIC) AS BIGINT) + 1 AS TEXT), "UpdatedAt" = @now
                WHERE "Id" = 'Livechat_guest_count'
                RETURNING "Value"
                """;
            var parameter = command.CreateParameter();
            (parameter.ParameterName, parameter.Value) = ("now", now);
            command.Parameters.Add(parameter);
            return await command.ExecuteScalarAsync(ct) is string value
                ? long.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
                : throw new InvalidOperationException("The Livechat_guest_count setting is missing.");
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// <see cref="NextAsync"/> in a transaction of its own that holds the row lock only for the statement: its commit
    /// does not wait for the disk (<c>synchronous_commit = off</c>), which is safe because a visitor that got the number
    /// commits durably later, and PostgreSQL's log makes everything before that commit durable with it. PostgreSQL only.
    /// </summary>
    public static async Task<long> NextOnItsOwnAsync(LivechatDb db, DateTime now, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL synchronous_commit = off", ct);
        var next = await NextAsync(db, now, ct);
        await transaction.CommitAsync(ct);
        return next;
    }
}
