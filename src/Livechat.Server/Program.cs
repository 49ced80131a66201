using Livechat.Server.Agents;
using Livechat.Server.CannedResponses;
using Livechat.Server.BusinessHours;
using Livechat.Server.Auth;
using Livechat.Server.Workspace;
using Livechat.Server.CustomFields;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Files;
using Livechat.Server.Departments;
using Livechat.Server.Handover;
using Livechat.Server.Messages;
using Livechat.Server.Http;
using Livechat.Server.Hosting;
using Livechat.Server.Security;
using Livechat.Server.Operations;
using Livechat.Server.Idempotency;
using Livechat.Server.Mail;
using Livechat.Server.Methods;
using Livechat.Server.OnHold;
using Livechat.Server.Presence;
using Livechat.Server.Priorities;
using Livechat.Server.Realtime;
using Livechat.Server.Roles;
using Livechat.Server.Scheduling;
using Livechat.Server.Rooms;
using Livechat.Server.Server;
using Livechat.Server.Settings;
using Livechat.Server.Slas;
using Livechat.Server.Tags;
using Livechat.Server.Triggers;
using Livechat.Server.Users;
using Livechat.Server.Survey;
using Livechat.Server.Webhooks;
using Livechat.Server.Widget;
using Livechat.Server.Visitors;

// No command serves HTTP; `seed`, `migrate`, `admin reset-password`, `backup` and `--help` are in Operations/Commands.cs.
var commandLine = Commands.Parse(args);
if (commandLine.ExitCode is { } answered) return answered;   // --help, --version or a bad argument

// Configuration defaults and static files ship next to the binaries, whatever directory the server starts in.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = commandLine.HostArgs, ContentRootPath = AppContext.BaseDirectory });

builder.WebHost.UseLivechatAddress(builder.Configuration);
builder.Services.HideRequestUrls();  // they can carry visitor tokens; UseRequestLog writes masked ones
builder.Services.AddLivechatOptions(builder.Configuration);   // typed, checked before the server starts
builder.Services.AddLivechatTelemetry(builder.Configuration); // OpenTelemetry; exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; hosted: TelemetrySampler
builder.Services.AddLivechatHealthChecks();
builder.Services.AddLivechatDb(builder.Configuration);   // interceptors: SQLite pragmas and write gate, value limits, round trips, then those registered below
// ChangeInterceptor, on every save: versions and _updatedAt of changed rooms and visitors, the room side tables, the change
// events with their audit and outbox rows, realtime publish and webhook wake-up after the commit; hosted: PostgresChangeRelay.
builder.Services.AddChangeEvents();
builder.Services.AddHostedService<Housekeeping>();   // trims old change events, deliveries, login attempts, idempotency keys
builder.Services.AddHostedService<Seeding>();
builder.Services.AddLimits();
builder.Services.AddTrustedProxies(builder.Configuration);   // ForwardedHeaders:KnownProxies / KnownNetworks, none by default
builder.Services.AddRocketChatAuthentication();      // hosted: AuthCacheRelay (logins changed by other processes)
builder.Services.AddLivechatJson();
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<SettingsStore>();
builder.Services.AddSingleton<RocketChatRateLimiter>();
builder.Services.AddSingleton<GuestNumbers>();   // guest-N numbers, reserved from Livechat_guest_count a block at a time
builder.Services.AddScoped<LoginGuard>();
builder.Services.AddWebhookOutbox();                 // hosted: WebhookWorker
builder.Services.AddMailOutbox();                    // hosted: MailWorker (SMTP, MailKit), sends the mail outbox
builder.Services.AddRealtime();                      // hosted: RealtimeBridge (change feed to DDP streams)
builder.Services.AddPresence();                      // who is connected (Presence/): DDP logins, heartbeats in the timed actions
builder.Services.AddTimedActions();                  // hosted: TimedActions, every few seconds runs each ITimedAction below
// (timed actions: one line each, registered here)
builder.Services.AddSingleton<ITimedAction, BusinessHourOpening>();   // business hours open and close for the agents
builder.Services.AddSingleton<ITimedAction, AbandonedRooms>();        // Livechat_abandoned_rooms_action: close or put on hold
builder.Services.AddSingleton<ITimedAction, PresenceUpkeep>();     // connections beat, idle ones turn away, lapsed ones go
builder.Services.AddSingleton<ITimedAction, AgentLeaveAction>();   // Livechat_agent_leave_action after the timeout
builder.Services.AddSingleton<ITimedAction, QueueWaitLimit>();     // Livechat_max_queue_wait_time
builder.Services.AddSingleton<ITimedAction, QueueDrain>();         // waiting chats to agents with room, as a safety net
builder.Services.AddSingleton<IFileStorage, LocalFileStorage>();   // uploads on local disk (FileUpload_FileSystemPath)
builder.Services.AddLivechatOpenApi();
builder.AddConsole();                 // the agent workspace's files (src/Livechat.Console)

var app = builder.Build();

app.UseForwardedHeaders();          // the client address from a configured proxy only; everyone else's headers are ignored
app.UseRequestLog();
app.UseSecurityHeaders();
app.UseExceptionHandler(_ => { });
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(25) });
app.UseDbRoundTripsHeader();        // off unless Diagnostics:DbRoundTripsHeader=true (tests pin round trips per request)
app.UseRocketChatCors();           // before the OPTIONS answer, so preflights carry the CORS headers
app.UseRocketChatHeaders();
app.UseRequestBodyLimit();           // 413 before anything reads an announced oversized body
app.UseAuthentication();
app.UseChangeScope();              // the actor of the request's change events
app.UseAuthorization();              // 401, then the route permission's 403
app.UseRocketChatRateLimiter();      // 429 after both, so api-bypass-rate-limit can be checked
app.UseIdempotencyKeys();            // Idempotency-Key: at most once per key and caller

app.MapOpenApi();
app.MapLivechatDocs();               // Scalar at /docs: in Development, or with Docs:Enabled=true
app.MapServer();
app.MapLivechatHealthChecks();       // /health/live, /health/ready
app.MapAuth();
app.MapUsers();
app.MapRoles();
app.MapSettings();
app.MapPriorities();
app.MapSlas();
app.MapTags();
app.MapCustomFields();
app.MapTriggers();                   // livechat/triggers; served to the widget in livechat/config
app.MapCannedResponses();            // canned-responses, by scope
app.MapMethods();
app.MapAgents();
app.MapVisitors();
app.MapRooms();
app.MapAuditLog();
app.MapWebhooks();
app.MapSurvey();
app.MapMail();                       // transcripts and the mail outbox
app.MapRoomList();
app.MapOnHold();
app.MapBusinessHours();
app.MapInquiries();
app.MapHandover();                   // transfer, return to queue, supervisor join
app.MapMessages();
app.MapFiles();                      // uploads and /file-upload/:id/:name
app.MapDepartments();
app.MapRealtime();
app.MapPresence();
app.MapWidget();
app.MapWidgetApi();
app.MapFallbackToNotFoundEnvelope();
app.MapConsole();                    // the agent workspace at /, index.html for any other path

return await commandLine.RunAsync(app);   // the server (options checked first), or the command
