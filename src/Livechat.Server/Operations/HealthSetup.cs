using System.Text.Json;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Webhooks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Livechat.Server.Operations;

/// <summary>
/// <c>/health/live</c>: the process answers (no check runs). <c>/health/ready</c>: the database answers with every
/// migration applied, and the webhook outbox is not stuck; 503 otherwise. Both answer
/// <c>{"status":"Healthy","checks":{"database":"Healthy",…}}</c>. <c>/health</c> (Server) stays as it was.
/// </summary>
public static class HealthSetup
{
    const string Ready = "ready";

    public static IServiceCollection AddLivechatHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<OutboxHealthCheck>("outbox", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapLivechatHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        return app;
    }

    static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            // A check that threw says so without its exception's text (hosts, paths), which is for the log.
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value switch
            {
                { Exception: not null } => $"{e.Value.Status}: the check failed",
                { Description: { } d } => $"{e.Value.Status}: {d}",
                _ => e.Value.Status.ToString(),
            }),
        }));
    }
}

/// <summary>The database answers, and no migration of this build is missing from it.</summary>
sealed class DatabaseHealthCheck(LivechatDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!await db.Database.CanConnectAsync(cancellationToken)) return HealthCheckResult.Unhealthy("the database does not answer");
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return pending == 0 ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{pending} migrations not applied");
    }
}

/// <summary>No webhook call has been due for longer than <c>Health:OutboxStuckAfterSeconds</c> (no process delivers).</summary>
sealed class OutboxHealthCheck(LivechatDb db, TimeProvider time, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var dueBefore = time.UtcNow() - TimeSpan.FromSeconds(options.Value.OutboxStuckAfterSeconds);
        var stuck = await db.OutboxMessages.AnyAsync(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt < dueBefore, cancellationToken);
        return stuck ? HealthCheckResult.Unhealthy("a webhook call has waited past its due time") : HealthCheckResult.Healthy();
    }
}
