using System.Diagnostics;
using Livechat.Server.Server;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Livechat.Server.Operations;

/// <summary>
/// Traces, metrics and logs through the OpenTelemetry SDK: ASP.NET Core, HttpClient, the .NET runtime, Npgsql and the
/// <see cref="Telemetry"/> meter. They leave the process over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (with the other standard <c>OTEL_*</c> variables); otherwise nothing is exported.
/// </summary>
public static class TelemetrySetup
{
    public static IServiceCollection AddLivechatTelemetry(this IServiceCollection services, IConfiguration config)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("livechat-server", serviceVersion: ServerVersion.Current))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.EnrichWithHttpResponse = (activity, _) => RouteOnly(activity))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(Telemetry.MeterName))
            // Scopes stay off: ASP.NET Core's request scope carries the raw path, and paths can carry visitor tokens.
            .WithLogging(_ => { }, o =>
            {
                o.IncludeScopes = false;
                o.IncludeFormattedMessage = true;
            });
        if (!string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
        services.AddHostedService<TelemetrySampler>();
        return services;
    }

    /// <summary>
    /// A request's span names its route's template only: the raw path and query (<c>url.path</c>, <c>url.query</c>)
    /// can carry a visitor token (<c>livechat/visitor/{token}</c>, <c>livechat/room?token=…</c>), so the path becomes
    /// the template and the query goes. A path no route matched keeps no path at all.
    /// </summary>
    static void RouteOnly(Activity activity)
    {
        activity.SetTag("url.path", activity.GetTagItem("http.route") as string);
        activity.SetTag("url.query", null);
        activity.SetTag("url.full", null);
    }
}
