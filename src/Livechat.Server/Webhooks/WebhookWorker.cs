using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Operations;
using Livechat.Server.Rooms;
using Livechat.Server.Settings;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Webhooks;

/// <summary>
/// Delivers outbox rows to <c>Livechat_webhookUrl</c> (room-saveInfo §8): URL and token read at delivery time, timeout
/// <c>Livechat_http_timeout</c>, retries after 4 × that timeout for network errors, 408, 429 and 5xx, at most
/// <see cref="MaxAttempts"/> attempts. A 200 answer's text becomes the room's <c>crmData</c> (up to
/// <see cref="MaxCrmDataBytes"/>). Redirects are not followed: a 3xx answer is a failed delivery.
/// </summary>
public sealed partial class WebhookWorker(
    IServiceScopeFactory scopes, IHttpClientFactory httpClients, SettingsStore settings, TimeProvider time,
    ILogger<WebhookWorker> logger) : BackgroundService
{
    public const int MaxAttempts = 10;

    /// <summary>The longest answer kept as the room's <c>crmData</c>; a longer one is not read beyond this.</summary>
    public const int MaxCrmDataBytes = 64 * 1024;
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    /// <summary>Beyond the call's own timeout, how long a claim lasts: a process killed mid-delivery holds its row no longer.</summary>
    static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(10);

    readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Called after a commit that wrote outbox rows, so delivery starts without waiting for the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Outbox.RunAsync(DeliverNextAsync, _wake.Reader, PollInterval, e => LogWorkerError(logger, e), stoppingToken);

    /// <summary>Claims one due row and delivers it; false when nothing is due.</summary>
    async Task<bool> DeliverNextAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LivechatDb>();
        var now = time.UtcNow();
        var candidate = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil < now))
            // In order per room: nothing overtakes an earlier pending call of its room, retries and backoff included.
            .Where(m => m.RoomId == null
                || !db.OutboxMessages.Any(e => e.RoomId == m.RoomId && e.Status == OutboxStatus.Pending && e.OrderKey < m.OrderKey))
            .OrderBy(m => m.NextAttemptAt)
            .Select(m => new { m.Id, m.LockedUntil })
            .FirstOrDefaultAsync(ct);
        if (candidate is null) return false;

        // Claim by compare-and-set, so two server processes never deliver the same row at once. The claim outlasts
        // the call by a margin only: if this process dies, the row is due again shortly after (at-least-once delivery).
        var timeoutMs = Math.Max(1, await settings.GetIntAsync("Livechat_http_timeout", ct));
        var until = now + TimeSpan.FromMilliseconds(timeoutMs) + LeaseMargin;
        var claimed = await db.OutboxMessages
            .Where(m => m.Id == candidate.Id && m.Status == OutboxStatus.Pending && m.LockedUntil == candidate.LockedUntil)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, until), ct);
        if (claimed == 0) return true;

        OutboxMessage message;
        (bool Delivered, bool Retry, string? Error, string? Body) outcome;
        try
        {
            message = await db.OutboxMessages.SingleAsync(m => m.Id == candidate.Id, ct);
            var url = await settings.GetStringAsync("Livechat_webhookUrl", ct);
            if (url.Length == 0)
            {
                db.OutboxMessages.Remove(message);
                await db.SaveChangesAsync(ct);
                return true;
            }
            var started = Stopwatch.GetTimestamp();
            outcome = await SendAsync(url, message.Payload, timeoutMs, ct);
            Telemetry.RecordWebhook(message.Type, outcome.Delivered, outcome.Retry, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping after the claim: give the row back now rather than when the lease runs out; the attempt does not
            // count and the call is made again (by this or another process).
            await db.OutboxMessages.Where(m => m.Id == candidate.Id && m.LockedUntil == until)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LockedUntil, (DateTime?)null), CancellationToken.None);
            throw;
        }
        var (delivered, retry, error, body) = outcome;

        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        message.Attempts++;
        message.LockedUntil = null;
        message.LastError = error;
        if (delivered)
        {
            message.Status = OutboxStatus.Delivered;
            message.DeliveredAt = time.UtcNow();
            if (message.Type == LivechatEditWebhook.Type && message.RoomId is { } roomId
                && await RoomLocks.LockAsync(db, roomId, CancellationToken.None) is { } room)
            {
                // Tracked, so the change is in the room's events and audit log (source "system").
                room.CrmData = body;
            }
        }
        else if (retry && message.Attempts < MaxAttempts)
        {
            message.NextAttemptAt = time.UtcNow() + Backoff(message.Attempts, timeoutMs);
        }
        else
        {
            message.Status = OutboxStatus.Failed;
        }
        // The outcome is recorded even when the server is stopping, so the row is not left locked for the lease.
        await db.SaveChangesAsync(CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        return true;
    }

    /// <summary><c>livechat/webhook.test</c>: one signed call now, outside the outbox; true when the receiver answered 200.</summary>
    public async Task<bool> SendNowAsync(string url, string payload, CancellationToken ct)
    {
        var timeoutMs = Math.Max(1, await settings.GetIntAsync("Livechat_http_timeout", ct));
        return (await SendAsync(url, payload, timeoutMs, ct)).Delivered;
    }

    async Task<(bool Delivered, bool Retry, string? Error, string? Body)> SendAsync(string url, string payload, int timeoutMs, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(timeoutMs);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Content.Headers.ContentType!.CharSet = null;
        var secret = await settings.GetStringAsync("Livechat_secret_token", ct);
        if (secret.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("X-RocketChat-Livechat-Token", secret);
            request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(secret, payload));
        }
        try
        {
            // Headers first: the body is read only as far as the cap, whatever the receiver sends or announces.
            using var response = await httpClients.CreateClient(nameof(WebhookWorker))
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var body = await ReadCappedAsync(response.Content, timeout.Token);
                // Delivered all the same: the receiver took the call; only its answer is too long to keep.
                return body is null ? (true, false, $"answer longer than {MaxCrmDataBytes} bytes, not stored as crmData", null) : (true, false, null, body);
            }
            var status = (int)response.StatusCode;
            var retry = status is 408 or 429 || status >= 500;
            return (false, retry, $"HTTP {status}", null);
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            // The server is stopping (its HTTP handlers may already be gone): not the receiver's failure.
            throw new OperationCanceledException("Stopping", e, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (false, true, $"timeout after {timeoutMs} ms", null);
        }
        catch (HttpRequestException e)
        {
            return (false, true, e.Message, null);
        }
        catch (InvalidOperationException e)
        {
            // An unusable URL (not absolute, unsupported scheme) will not get better by retrying.
            return (false, false, e.Message, null);
        }
    }

    /// <summary>The answer as text, or null when it is longer than <see cref="MaxCrmDataBytes"/>.</summary>
    static async Task<string?> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        if (content.Headers.ContentLength > MaxCrmDataBytes) return null;
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxCrmDataBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
        if (length > MaxCrmDataBytes) return null;
        var encoding = content.Headers.ContentType?.CharSet is { Length: > 0 } charset ? TryEncoding(charset) : null;
        return (encoding ?? Encoding.UTF8).GetString(buffer, 0, length);
    }

    static Encoding? TryEncoding(string charset)
    {
        try
        {
            return Encoding.GetEncoding(charset.Trim('"'));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public const string SignatureHeader = "X-Livechat-Signature";

    /// <summary><c>sha256=&lt;hex HMAC-SHA256 of the body under Livechat_secret_token&gt;</c>.</summary>
    public static string Sign(string secret, string payload) =>
        "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payload)));

    /// <summary>4 × the timeout after the first failure, doubling with each further one, at most an hour.</summary>
    public static TimeSpan Backoff(int attempts, int timeoutMs) =>
        TimeSpan.FromMilliseconds(Math.Min(4.0 * timeoutMs * Math.Pow(2, Math.Max(0, attempts - 1)), TimeSpan.FromHours(1).TotalMilliseconds));

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook delivery loop failed; retrying at the next poll")]
    static partial void LogWorkerError(ILogger logger, Exception exception);
}

public static class WebhookSetup
{
    public static IServiceCollection AddWebhookOutbox(this IServiceCollection services)
    {
        // No redirects: the receiver is the configured URL, not wherever its answer points (an internal address, say).
        services.AddHttpClient(nameof(WebhookWorker), c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<WebhookWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookWorker>());
        return services;
    }
}
