using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Operations;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on mutating <c>/api/v1</c> calls: executed at most once per key and caller for
/// <see cref="Lifetime"/>. The key is reserved in the database before the endpoint runs (a primary-key insert, so two
/// racing requests — in one process or several — cannot both win); the answer is stored when the endpoint finishes,
/// and a retry with the same request gets it replayed (<c>Idempotent-Replayed: true</c>). A retry arriving while the
/// first is still running waits up to <see cref="WaitLimit"/> for its answer, then gets 409. The same key with another
/// method, path or body answers 422. Which answers are stored is one rule, <see cref="IsStored"/>, applied to the final
/// status however the endpoint produced it (returned, or thrown and turned into the envelope). Routes marked
/// <see cref="MintsCredentials{TBuilder}"/> never take part: their answers carry credentials.
/// </summary>
public static class IdempotencyMiddleware
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>Keys of callers who are not logged-in users (visitors, anonymous): anyone can mint them, so they go sooner.</summary>
    public static readonly TimeSpan AnonymousLifetime = TimeSpan.FromHours(1);

    /// <summary>How long a reservation counts as running (longer than any request).</summary>
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Marks a route whose answer carries a credential (a login token, a personal access token, a visitor's token): its
    /// answers are never stored, so <c>Idempotency-Key</c> is ignored there. Decided by the matched endpoint, so no
    /// spelling of the path (trailing slash, case) escapes it.
    /// </summary>
    public static TBuilder MintsCredentials<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CredentialsAnswer.Instance);

    sealed class CredentialsAnswer
    {
        public static readonly CredentialsAnswer Instance = new();
    }

    /// <summary>
    /// The one rule for what is stored and replayed: every 2xx and every 4xx that the same request would get again,
    /// so a retry never runs twice. Released (not stored, the retry runs) are 5xx and the 4xx that depend on the
    /// caller's standing or on timing rather than on the request: 401, 403, 408, 409 and 429 (nothing ran past them).
    /// </summary>
    public static bool IsStored(int status) => status < 500 && status is not (401 or 403 or 408 or 409 or 429);

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!request.Headers.TryGetValue(Header, out var values) || !IsMutating(request.Method) || !request.Path.StartsWithSegments("/api/v1")
            || context.GetEndpoint()?.Metadata.GetMetadata<CredentialsAnswer>() is not null)
        {
            await next(context);
            return;
        }
        var key = values.ToString();
        if (key.Length is 0 or > 255 || key.Any(c => c is < '!' or > '~'))
        {
            await ApiError.Coded("error-idempotency-key-invalid", "Idempotency-Key must be 1 to 255 visible ASCII characters").ExecuteAsync(context);
            return;
        }
        await RunAsync(context, next, key);
    });

    static bool IsMutating(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    static async Task RunAsync(HttpContext context, RequestDelegate next, string key)
    {
        var ct = context.RequestAborted;
        var request = context.Request;
        request.EnableBuffering();
        using var body = new MemoryStream();
        // The same limit JsonBody reads under: 413 past it, also where no server limit applies.
        await JsonBody.CopyAtMostAsync(request.Body, body, context.RequestServices.GetRequiredService<Limits>().MaxRequestBodyBytes, ct);
        request.Body.Position = 0;
        var bytes = body.ToArray();
        var caller = CallerOf(context, bytes);
        var hash = Hash(request, bytes);
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var scopes = context.RequestServices.GetRequiredService<IServiceScopeFactory>();

        var waitUntil = time.UtcNow() + WaitLimit;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
            var now = time.UtcNow();
            if (await ReserveAsync(db, caller, key, hash, now, ct))
            {
                await ExecuteAsync(context, next, db, caller, key, ct);
                return;
            }
            var existing = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Caller == caller && k.Key == key, ct);
            if (existing is null) continue;   // released by a failed first attempt: reserve again
            if (existing.ExpiresAt <= now)
            {
                await db.IdempotencyKeys.Where(k => k.Caller == caller && k.Key == key && k.ExpiresAt <= now).ExecuteDeleteAsync(ct);
                continue;
            }
            if (existing.RequestHash != hash)
            {
                await ApiError.Coded("error-idempotency-key-reused", "This Idempotency-Key was used with a different request",
                    StatusCodes.Status422UnprocessableEntity).ExecuteAsync(context);
                return;
            }
            if (existing.Completed)
            {
                await ReplayAsync(context, existing);
                return;
            }
            if (existing.LockedUntil <= now || now >= waitUntil)
            {
                await ApiError.Coded("error-idempotency-key-in-progress", "A request with this Idempotency-Key is still in progress",
                    StatusCodes.Status409Conflict).ExecuteAsync(context);
                return;
            }
            await Task.Delay(PollInterval, ct);
        }
    }

    static async Task<bool> ReserveAsync(LivechatDb db, string caller, string key, string hash, DateTime now, CancellationToken ct)
    {
        var lockedUntil = now + Lease;
        var expiresAt = now + (caller.StartsWith("u:", StringComparison.Ordinal) ? Lifetime : AnonymousLifetime);
        // Both providers: INSERT … ON CONFLICT DO NOTHING; 1 row means this request owns the key.
        return await db.Database.ExecuteSqlAsync($"""
            INSERT INTO idempotency_keys ("Caller", "Key", "RequestHash", "Completed", "LockedUntil", "CreatedAt", "ExpiresAt")
            VALUES ({caller}, {key}, {hash}, {false}, {lockedUntil}, {now}, {expiresAt})
            ON CONFLICT ("Caller", "Key") DO NOTHING
            """, ct) == 1;
    }

    static async Task ExecuteAsync(HttpContext context, RequestDelegate next, LivechatDb db, string caller, string key, CancellationToken ct)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
            {
                // The one exception handler answers here, inside, so a thrown answer meets the same rule as a returned one.
                context.Response.Clear();
                buffer.SetLength(0);
                if (!await context.RequestServices.GetRequiredService<IExceptionHandler>().TryHandleAsync(context, e, ct)) throw;
            }
        }
        catch
        {
            context.Response.Body = original;
            await ReleaseAsync(db, caller, key);
            throw;
        }
        context.Response.Body = original;
        var response = context.Response;
        var status = response.StatusCode;
        if (!IsStored(status))
        {
            await ReleaseAsync(db, caller, key);
        }
        else
        {
            var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            var contentType = response.ContentType;
            var etag = HeaderOf(response, "ETag");
            var preference = HeaderOf(response, "Preference-Applied");
            await db.IdempotencyKeys.Where(k => k.Caller == caller && k.Key == key).ExecuteUpdateAsync(s => s
                .SetProperty(k => k.Completed, true).SetProperty(k => k.Status, status).SetProperty(k => k.ContentType, contentType)
                .SetProperty(k => k.ETag, etag).SetProperty(k => k.PreferenceApplied, preference).SetProperty(k => k.Body, text),
                CancellationToken.None);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, ct);
    }

    static string? HeaderOf(HttpResponse response, string name) => response.Headers[name].ToString() is { Length: > 0 } value ? value : null;

    static Task ReleaseAsync(LivechatDb db, string caller, string key) =>
        db.IdempotencyKeys.Where(k => k.Caller == caller && k.Key == key && !k.Completed).ExecuteDeleteAsync(CancellationToken.None);

    static async Task ReplayAsync(HttpContext context, IdempotencyRecord stored)
    {
        var response = context.Response;
        response.StatusCode = stored.Status ?? StatusCodes.Status200OK;
        if (stored.ContentType is not null) response.ContentType = stored.ContentType;
        if (stored.ETag is not null) response.Headers.ETag = stored.ETag;
        if (stored.PreferenceApplied is not null) response.Headers["Preference-Applied"] = stored.PreferenceApplied;
        response.Headers["Idempotent-Replayed"] = "true";
        Telemetry.IdempotencyReplays.Add(1);
        await response.WriteAsync(stored.Body ?? "", context.RequestAborted);
    }

    /// <summary>The user, else the visitor by token (route, body <c>token</c> or <c>visitor.token</c>), else anonymous.</summary>
    static string CallerOf(HttpContext context, byte[] body)
    {
        if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId) return $"u:{userId}";
        var token = context.GetRouteValue("token") as string;
        if (token is null && body.Length > 0)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    token = root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                        : root.TryGetProperty("visitor", out var v) && v.ValueKind == JsonValueKind.Object
                          && v.TryGetProperty("token", out var vt) && vt.ValueKind == JsonValueKind.String ? vt.GetString() : null;
                }
            }
            catch (JsonException)
            {
                // Not JSON: the endpoint answers that; the caller stays anonymous.
            }
        }
        // Visitor tokens are credentials: only their hash is stored.
        return token is { Length: > 0 } ? $"v:{Ids.HashToken(token)}" : "anonymous";
    }

    static string Hash(HttpRequest request, byte[] body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method.ToUpperInvariant()} {request.Path}{request.QueryString}\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
