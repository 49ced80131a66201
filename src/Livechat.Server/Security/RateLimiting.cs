using System.Threading.RateLimiting;
using Livechat.Server.Http;
using Livechat.Server.Settings;

namespace Livechat.Server.Security;

/// <summary>A route's own limit, where Rocket.Chat gives it one (e.g. 5 calls / 60 s for <c>GET livechat/room</c>).</summary>
public sealed record RateLimitMetadata(int Calls, int WindowMs);

/// <summary>
/// Rocket.Chat's API rate limiter: one fixed window per (client IP, route template, method), sized by the
/// <c>API_Enable_Rate_Limiter_*</c> settings, with <c>X-RateLimit-*</c> headers and the 429 envelope. Partitioning and
/// idle-partition clean-up are System.Threading.RateLimiting's; the window itself reports its reset instant, which
/// Rocket.Chat's headers need and the framework's fixed-window limiter does not expose.
/// </summary>
public sealed class RocketChatRateLimiter(TimeProvider time) : IDisposable
{
    readonly PartitionedRateLimiter<(string Key, int Calls, int WindowMs)> _limiter =
        PartitionedRateLimiter.Create<(string Key, int Calls, int WindowMs), (string, int, int)>(
            r => RateLimitPartition.Get((r.Key, r.Calls, r.WindowMs), k => new FixedWindow(k.Item2, TimeSpan.FromMilliseconds(k.Item3), time)));

    public static readonly MetadataName<int> Remaining = new("X-RateLimit-Remaining");
    public static readonly MetadataName<long> ResetMs = new("X-RateLimit-Reset");

    public RateLimitLease Acquire(string key, int calls, int windowMs) => _limiter.AttemptAcquire((key, calls, windowMs));

    public void Dispose() => _limiter.Dispose();

    /// <summary>A fixed window that knows when it resets.</summary>
    sealed class FixedWindow(int calls, TimeSpan window, TimeProvider time) : RateLimiter
    {
        readonly Lock _lock = new();
        DateTimeOffset _windowEnd;
        int _used;

        public override TimeSpan? IdleDuration => time.GetUtcNow() >= _windowEnd ? time.GetUtcNow() - _windowEnd : null;

        public override RateLimiterStatistics? GetStatistics() => new() { CurrentAvailablePermits = calls - _used };

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            lock (_lock)
            {
                var now = time.GetUtcNow();
                if (now >= _windowEnd)
                {
                    _windowEnd = now + window;
                    _used = 0;
                }
                var acquired = _used + permitCount <= calls;
                if (acquired) _used += permitCount;
                return new Lease(acquired, Math.Max(0, calls - _used), _windowEnd, now);
            }
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    sealed class Lease(bool acquired, int remaining, DateTimeOffset windowEnd, DateTimeOffset now) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [Remaining.Name, ResetMs.Name, MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName switch
            {
                _ when metadataName == Remaining.Name => remaining,
                _ when metadataName == ResetMs.Name => windowEnd.ToUnixTimeMilliseconds(),
                _ when metadataName == MetadataName.RetryAfter.Name => windowEnd - now,
                _ => null,
            };
            return metadata is not null;
        }
    }
}

public static class RateLimitingSetup
{
    /// <summary>Gives a route Rocket.Chat's per-route limit instead of the default one.</summary>
    public static TBuilder WithRocketChatRateLimit<TBuilder>(this TBuilder builder, int calls, int windowMs)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RateLimitMetadata(calls, windowMs));

    /// <summary>Runs after authentication and authorization, so 401/403 come first and api-bypass-rate-limit can be checked.</summary>
    public static IApplicationBuilder UseRocketChatRateLimiter(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint() is not RouteEndpoint endpoint || !context.Request.Path.StartsWithSegments("/api/v1"))
        {
            await next(context);
            return;
        }
        var settings = context.RequestServices.GetRequiredService<SettingsStore>();
        var ct = context.RequestAborted;
        var enabled = await settings.GetBoolAsync("API_Enable_Rate_Limiter", ct)
            && (await settings.GetBoolAsync("API_Enable_Rate_Limiter_Dev", ct)
                || !context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment());
        if (!enabled || await BypassesAsync(context))
        {
            await next(context);
            return;
        }
        var own = endpoint.Metadata.GetMetadata<RateLimitMetadata>();
        var calls = own?.Calls ?? await settings.GetIntAsync("API_Enable_Rate_Limiter_Limit_Calls_Default", ct);
        var windowMs = own?.WindowMs ?? await settings.GetIntAsync("API_Enable_Rate_Limiter_Limit_Time_Default", ct);
        // Every part of the key is bounded: the address is the socket's (or a configured proxy's parsed forward), the
        // route template and method are the endpoint's own, so no request header or path can mint new partitions.
        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [];
        var method = methods.FirstOrDefault(m => HttpMethods.Equals(m, context.Request.Method)) ?? "*";
        var key = $"{ForwardedHeadersSetup.ClientIp(context)}|{endpoint.RoutePattern.RawText}|{method}";

        using var lease = context.RequestServices.GetRequiredService<RocketChatRateLimiter>().Acquire(key, calls, windowMs);
        lease.TryGetMetadata(RocketChatRateLimiter.Remaining, out var remaining);
        lease.TryGetMetadata(RocketChatRateLimiter.ResetMs, out var reset);
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = calls.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = reset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!lease.IsAcquired)
        {
            lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
            await ApiError.TooManyRequests((long)Math.Ceiling(retryAfter.TotalSeconds)).ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    static async Task<bool> BypassesAsync(HttpContext context) =>
        CurrentUser.From(context.User) is { } user
        && await context.RequestServices.GetRequiredService<PermissionStore>().HasAsync(user, Permissions.ApiBypassRateLimit, context.RequestAborted);
}
