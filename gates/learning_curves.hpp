#pragma once
// Learning curves: greedy success against env steps and against wall time,
// for several runs of one setting (seeds), with their interquartile mean.
// Each run's points are its periodic greedy evaluations (metrics records with
// "periodic_eval": true, launch/update_cadence.hpp), in file order.
//
// Between two evaluations a run's success is its last evaluation's (a step
// function: 0 before its first one); a run that ended early at its target
// keeps its last value after its end. The aggregate is taken at every x
// where any run was evaluated:
//
//   iqm(x) = interquartile mean over runs of success_run(x)
//
// with the interquartile mean of n values as scipy.stats.trim_mean(v, 0.25)
// computes it: floor(n / 4) values cut from each end of the sorted list,
// the mean of the rest. With 3 runs nothing is cut (it is the mean).
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "common/media/image.hpp"
#include "gates/rules.hpp"

namespace dreamer::gates {

struct CurvePoint {
  double env_steps = 0.0;
  double wall_s = 0.0;
  double opt_steps = 0.0;
  double success_rate = 0.0;
  double episodes = 0.0;
};

struct RunCurve {
  std::string name;  // e.g. "seed1"
  std::vector<CurvePoint> points;
};

enum class CurveAxis { kEnvSteps, kWallSeconds };

// The periodic evaluations of one run's records; throws dreamer::Error
// naming `name` when a periodic record lacks env_steps, wall_s or
// eval_success_rate, or when there is none.
RunCurve greedy_curve(const MetricRecords& records, const std::string& name);

double interquartile_mean(std::vector<double> values);

// (x, iqm) at every x where any run was evaluated, in increasing x.
std::vector<std::pair<double, double>> iqm_curve(const std::vector<RunCurve>& runs, CurveAxis axis);

// {"runs": [{"name", "points": [{env_steps, wall_s, opt_steps,
//  success_rate, episodes}]}], "iqm_vs_env_steps": [[x, y], ...],
//  "iqm_vs_wall_s": [[x, y], ...], "aggregate": "<the rule above>"}
nlohmann::ordered_json curves_json(const std::vector<RunCurve>& runs);

// Two panels side by side: success vs env steps and vs wall seconds, one
// line per run and one for the IQM.
Image render_curves(const std::vector<RunCurve>& runs, const std::string& title);

}  // namespace dreamer::gates
