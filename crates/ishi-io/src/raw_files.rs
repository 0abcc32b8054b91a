//! Raw-mode input files (SPEC P2.7 a), read from one directory, and their writer (used for the
//! SYNTHETIC national data set of the benchmark and `ishi synth`). Formats: README «Raw-mode inputs».

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ishi_plan::RuleEdition;
use ishi_plan::area::{AreaCode, SecondaryArea, TertiaryArea};
use ishi_plan::raw::{
    AreaId, AreaSet, Facility, FlowCoefficients, NationalRates, PHYSICIAN_AGE_BANDS, POPULATION_BANDS, PhysicianRecord,
    PhysicianTally, Pyramid, RawInputs, Sex, Specialty, WorkingHours, population_band, tally,
};

use crate::error::{InputError, IoError};
use crate::sheet::{Row, Sheet};

/// Physicians as given: individual records (P2.6 split applies) or counts already per area.
#[derive(Debug, Clone, PartialEq)]
pub enum Physicians {
    Records(Vec<PhysicianRecord>),
    Counts(Vec<(AreaId, Sex, usize, Facility, Specialty, f64)>),
}

/// Everything read from a raw-mode directory.
#[derive(Debug, Clone, PartialEq)]
pub struct RawBundle {
    pub inputs: RawInputs,
    pub physicians: Physicians,
}

impl RawBundle {
    /// P2.2/P2.6: the tally under `edition`.
    pub fn tally(&self, edition: &RuleEdition) -> PhysicianTally {
        match &self.physicians {
            Physicians::Records(records) => tally(&self.inputs.areas, records, edition),
            Physicians::Counts(counts) => {
                let mut t = PhysicianTally::new(&self.inputs.areas);
                for &(area, sex, band, facility, specialty, n) in counts {
                    t.add_count(&self.inputs.areas, area, sex, band, facility, specialty, n);
                }
                t
            }
        }
    }
}

fn find(dir: &Path, stem: &str) -> Option<PathBuf> {
    ["csv", "xlsx"].iter().map(|e| dir.join(format!("{stem}.{e}"))).find(|p| p.is_file())
}

/// `男`/`女`, `M`/`F`, `male`/`female`, `1`/`2` (三師調査 coding).
pub fn parse_sex(row: &Row, col: usize) -> Result<Sex, InputError> {
    match row.text(col).to_ascii_lowercase().as_str() {
        "m" | "male" | "男" | "男性" | "1" => Ok(Sex::Male),
        "f" | "female" | "女" | "女性" | "2" => Ok(Sex::Female),
        _ => Err(row.error(col, "sex must be M or F (男/女)")),
    }
}

fn parse_facility(row: &Row, col: usize) -> Result<Facility, InputError> {
    match row.text(col).as_ref() {
        "hospital" | "病院" => Ok(Facility::Hospital),
        "clinic_with_beds" | "有床診療所" => Ok(Facility::ClinicWithBeds),
        "clinic_without_beds" | "無床診療所" | "clinic" | "診療所" => Ok(Facility::ClinicWithoutBeds),
        _ => Err(row.error(col, "facility must be hospital, clinic_with_beds or clinic_without_beds")),
    }
}

fn parse_specialty(row: &Row, col: Option<usize>) -> Result<Specialty, InputError> {
    let Some(col) = col else { return Ok(Specialty::Other) };
    match row.text(col).as_ref() {
        "" | "other" | "その他" => Ok(Specialty::Other),
        "obstetrics" | "産科" | "産婦人科" => Ok(Specialty::Obstetrics),
        "pediatrics" | "小児科" => Ok(Specialty::Pediatrics),
        _ => Err(row.error(col, "specialty must be empty, other, obstetrics or pediatrics")),
    }
}

fn whole(row: &Row, col: usize, max: f64) -> Result<f64, InputError> {
    let v = row.non_negative(col)?;
    if v.fract() != 0.0 || v > max {
        return Err(row.error(col, format!("must be a whole number from 0 to {max}")));
    }
    Ok(v)
}

/// A P2.2 age band written as its first age (20, 30, … 70 = 70 and over) → 0…5.
fn physician_band(row: &Row, col: usize) -> Result<usize, InputError> {
    let band = whole(row, col, 70.0)? as usize;
    if band < 20 || !band.is_multiple_of(10) {
        return Err(row.error(col, "age_band must be 20, 30, 40, 50, 60 or 70 (70 = 70 and over)"));
    }
    Ok((band - 20) / 10)
}

fn area_lookup(row: &Row, col: usize, ids: &HashMap<String, AreaId>) -> Result<AreaId, InputError> {
    let code = row.required_text(col)?;
    ids.get(code.as_ref()).copied().ok_or_else(|| row.error(col, "unknown area code (not in areas.csv)"))
}

/// Reads a raw-mode directory: `areas`, `physicians` or `physician_counts`, `population`, `rates`,
/// `hours`, `parameters`, and optionally `flows` and `variant_inputs` (each `.csv` or `.xlsx`).
pub fn read_raw_dir(dir: &Path) -> Result<RawBundle, IoError> {
    read_raw_sheets(|stem| find(dir, stem).map(|p| Sheet::open(&p)).transpose(), &dir.display().to_string())
}

/// Reads raw-mode tables from any source: `open(stem)` returns the sheet named `stem` (`areas`,
/// `population` …) or `None` when there is none. `place` names the source in messages.
pub fn read_raw_sheets(
    mut open: impl FnMut(&str) -> Result<Option<Sheet>, IoError>,
    place: &str,
) -> Result<RawBundle, IoError> {
    let mut open_required = |stem: &str| -> Result<Sheet, IoError> {
        open(stem)?.ok_or_else(|| {
            InputError::file(&format!("{place}/{stem}.csv"), "required raw-mode file is missing (.csv or .xlsx)").into()
        })
    };
    // areas
    let sheet = open_required("areas")?;
    let cols = sheet.columns(&["area_code", "area", "tertiary_code", "tertiary"], &[])?;
    let c = |n| cols.get(n).unwrap();
    let (mut secondary, mut tertiary): (Vec<SecondaryArea>, Vec<TertiaryArea>) = (vec![], vec![]);
    let mut ids: HashMap<String, AreaId> = HashMap::new();
    sheet.for_each_row(|row| {
        let code = row.required_text(c("area_code"))?.into_owned();
        if ids.insert(code.clone(), AreaId(secondary.len() as u32)).is_some() {
            return Err(row.error(c("area_code"), "duplicate area code"));
        }
        let t_code = AreaCode::new(row.required_text(c("tertiary_code"))?.into_owned());
        let t_name = row.raw(c("tertiary")).trim().to_string();
        match tertiary.iter().find(|t| t.code == t_code) {
            Some(t) if !t_name.is_empty() && t.name != t_name => {
                return Err(row.error(c("tertiary"), format!("tertiary area {t_code} was named {} before", t.name)));
            }
            Some(_) => {}
            None => tertiary.push(TertiaryArea {
                code: t_code.clone(),
                name: if t_name.is_empty() { t_code.to_string() } else { t_name },
            }),
        }
        secondary.push(SecondaryArea {
            code: AreaCode::new(code),
            name: row.raw(c("area")).trim().to_string(),
            tertiary: t_code,
        });
        Ok(())
    })?;
    let areas = AreaSet::new(secondary, tertiary).map_err(|e| InputError::file(&sheet.file, e.to_string()))?;
    let n = areas.secondary.len();

    // population
    let sheet = open_required("population")?;
    let cols = sheet.columns(&["area_code", "sex", "age_from", "population"], &[])?;
    let c = |n| cols.get(n).unwrap();
    let mut population: Vec<Pyramid> = vec![[[0.0; POPULATION_BANDS]; 2]; n];
    sheet.for_each_row(|row| {
        let area = area_lookup(row, c("area_code"), &ids)?;
        let sex = parse_sex(row, c("sex"))?;
        let age = whole(row, c("age_from"), 150.0)? as u16;
        population[area.0 as usize][sex as usize][population_band(age)] += row.non_negative(c("population"))?;
        Ok(())
    })?;

    // rates
    let sheet = open_required("rates")?;
    let cols = sheet.columns(&["sex", "age_from", "inpatient_rate", "clinic_outpatient_rate"], &[])?;
    let c = |n| cols.get(n).unwrap();
    let mut inpatient: Pyramid = [[f64::NAN; POPULATION_BANDS]; 2];
    let mut outpatient: Pyramid = [[f64::NAN; POPULATION_BANDS]; 2];
    sheet.for_each_row(|row| {
        let sex = parse_sex(row, c("sex"))? as usize;
        let age = whole(row, c("age_from"), 150.0)? as u16;
        let b = population_band(age);
        if !inpatient[sex][b].is_nan() && age < 90 {
            return Err(row.error(c("age_from"), "rate for this sex and age band given twice"));
        }
        inpatient[sex][b] = row.non_negative(c("inpatient_rate"))?;
        outpatient[sex][b] = row.non_negative(c("clinic_outpatient_rate"))?;
        Ok(())
    })?;
    for (s, bands) in inpatient.iter().enumerate() {
        for (b, rate) in bands.iter().enumerate() {
            if rate.is_nan() {
                return Err(InputError::file(
                    &sheet.file,
                    format!("no rate for sex {} age {}–{}", if s == 0 { "M" } else { "F" }, b * 5, b * 5 + 4),
                )
                .into());
            }
        }
    }

    // hours
    let sheet = open_required("hours")?;
    let cols = sheet.columns(&["sex", "age_band", "hours"], &[])?;
    let c = |n| cols.get(n).unwrap();
    let mut by_band = [[f64::NAN; PHYSICIAN_AGE_BANDS]; 2];
    sheet.for_each_row(|row| {
        let sex = parse_sex(row, c("sex"))? as usize;
        by_band[sex][physician_band(row, c("age_band"))?] = row.non_negative(c("hours"))?;
        Ok(())
    })?;
    if by_band.iter().flatten().any(|h| h.is_nan()) {
        return Err(InputError::file(&sheet.file, "hours are required for both sexes and every age band 20–70").into());
    }

    // parameters
    let sheet = open_required("parameters")?;
    let cols = sheet.columns(&["name", "value"], &["source"])?;
    let c = |n| cols.get(n).unwrap();
    let (mut weight, mut mean_hours) = (None, None);
    sheet.for_each_row(|row| {
        let v = row.non_negative(c("value"))?;
        match row.text(c("name")).as_ref() {
            "clinic_demand_weight" => weight = Some(v),
            "mean_hours_all" => mean_hours = Some(v),
            _ => return Err(row.error(c("name"), "unknown parameter (known: clinic_demand_weight, mean_hours_all)")),
        }
        Ok(())
    })?;
    let clinic_demand_weight =
        weight.ok_or_else(|| InputError::file(&sheet.file, "parameter clinic_demand_weight is required"))?;
    let rates = NationalRates { inpatient, clinic_outpatient: outpatient, clinic_demand_weight };
    let hours = WorkingHours { by_band, all_physicians: mean_hours };
    let mut inputs = RawInputs::new(areas, population, rates, hours);

    // flows (optional): area or tertiary codes
    if let Some(sheet) = open("flows")? {
        let cols = sheet.columns(&["area_code", "inpatient", "outpatient"], &[])?;
        let c = |n| cols.get(n).unwrap();
        sheet.for_each_row(|row| {
            let code = row.required_text(c("area_code"))?;
            let flow = FlowCoefficients {
                inpatient: row.non_negative(c("inpatient"))?,
                outpatient: row.non_negative(c("outpatient"))?,
            };
            if let Some(id) = ids.get(code.as_ref()) {
                inputs.flows[id.0 as usize] = flow;
            } else if let Some(t) = inputs.areas.tertiary.iter().position(|t| t.code.as_str() == code) {
                inputs.tertiary_flows[t] = flow;
            } else {
                return Err(row.error(c("area_code"), "unknown area or tertiary code"));
            }
            Ok(())
        })?;
    }

    // variant inputs (optional)
    if let Some(sheet) = open("variant_inputs")? {
        let cols = sheet.columns(&["area_code"], &["deliveries", "clinic_outpatient_share"])?;
        let (mut deliveries, mut shares) = (vec![f64::NAN; n], vec![f64::NAN; n]);
        sheet.for_each_row(|row| {
            let id = area_lookup(row, cols.get("area_code").unwrap(), &ids)?.0 as usize;
            if let Some(col) = cols.get("deliveries") {
                deliveries[id] = row.non_negative(col)?;
            }
            if let Some(col) = cols.get("clinic_outpatient_share") {
                let s = row.non_negative(col)?;
                if s > 1.0 {
                    return Err(row.error(col, "a share must be between 0 and 1"));
                }
                shares[id] = s;
            }
            Ok(())
        })?;
        inputs.variants.deliveries = deliveries.iter().all(|d| !d.is_nan()).then_some(deliveries);
        inputs.variants.clinic_outpatient_share = shares.iter().all(|d| !d.is_nan()).then_some(shares);
    }

    // physicians
    let physicians = if let Some(sheet) = open("physicians")? {
        let cols = sheet.columns(&["area_code", "sex", "age", "facility"], &["secondary_area_code", "specialty"])?;
        let c = |n| cols.get(n).unwrap();
        let second = cols.get("secondary_area_code");
        let specialty = cols.get("specialty");
        let mut records = Vec::with_capacity(1024);
        sheet.for_each_row(|row| {
            let main = area_lookup(row, c("area_code"), &ids)?;
            let secondary = match second {
                Some(col) if !row.raw(col).trim().is_empty() => Some(area_lookup(row, col, &ids)?),
                _ => None,
            };
            records.push(PhysicianRecord {
                main,
                secondary,
                sex: parse_sex(row, c("sex"))?,
                age: whole(row, c("age"), 120.0)? as u8,
                facility: parse_facility(row, c("facility"))?,
                specialty: parse_specialty(row, specialty)?,
            });
            Ok(())
        })?;
        Physicians::Records(records)
    } else {
        let sheet = open("physician_counts")?.ok_or_else(|| {
            InputError::file(
                &format!("{place}/physicians.csv"),
                "raw mode needs physicians.csv (records) or physician_counts.csv (counts)",
            )
        })?;
        let cols = sheet.columns(&["area_code", "sex", "age_band", "facility", "count"], &["specialty"])?;
        let c = |n| cols.get(n).unwrap();
        let mut counts = vec![];
        sheet.for_each_row(|row| {
            let band = physician_band(row, c("age_band"))?;
            counts.push((
                area_lookup(row, c("area_code"), &ids)?,
                parse_sex(row, c("sex"))?,
                band,
                parse_facility(row, c("facility"))?,
                parse_specialty(row, cols.get("specialty"))?,
                row.non_negative(c("count"))?,
            ));
            Ok(())
        })?;
        Physicians::Counts(counts)
    };
    Ok(RawBundle { inputs, physicians })
}

/// Writes `inputs` and `records` in the raw-mode directory format (creating `dir`). `label` goes into
/// the parameters' source column and a README, e.g. the synthetic label.
pub fn write_raw_dir(
    dir: &Path,
    inputs: &RawInputs,
    records: &[PhysicianRecord],
    extras: Option<(&[f64], &[f64])>,
    label: &str,
) -> Result<(), IoError> {
    use std::fmt::Write as _;
    let w = |name: &str, text: String| -> Result<(), IoError> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|source| IoError::Write { path, source })
    };
    std::fs::create_dir_all(dir).map_err(|source| IoError::Write { path: dir.into(), source })?;
    let areas = &inputs.areas;
    let tertiary_of =
        |a: &SecondaryArea| areas.tertiary.iter().find(|t| t.code == a.tertiary).map_or("", |t| t.name.as_str());
    let mut s = String::from("area_code,area,tertiary_code,tertiary\n");
    for a in &areas.secondary {
        let _ = writeln!(s, "{},{},{},{}", a.code, a.name, a.tertiary, tertiary_of(a));
    }
    w("areas.csv", s)?;
    let sex = |i: usize| if i == 0 { "M" } else { "F" };
    let mut s = String::from("area_code,sex,age_from,population\n");
    for (a, p) in areas.secondary.iter().zip(&inputs.population) {
        for (si, bands) in p.iter().enumerate() {
            for (b, v) in bands.iter().enumerate() {
                let _ = writeln!(s, "{},{},{},{}", a.code, sex(si), b * 5, v);
            }
        }
    }
    w("population.csv", s)?;
    let mut s = String::from("sex,age_from,inpatient_rate,clinic_outpatient_rate\n");
    for si in 0..2 {
        for b in 0..POPULATION_BANDS {
            let _ = writeln!(
                s,
                "{},{},{},{}",
                sex(si),
                b * 5,
                inputs.rates.inpatient[si][b],
                inputs.rates.clinic_outpatient[si][b]
            );
        }
    }
    w("rates.csv", s)?;
    let mut s = String::from("sex,age_band,hours\n");
    for si in 0..2 {
        for b in 0..PHYSICIAN_AGE_BANDS {
            let _ = writeln!(s, "{},{},{}", sex(si), 20 + b * 10, inputs.hours.by_band[si][b]);
        }
    }
    w("hours.csv", s)?;
    let mut s = format!("name,value,source\nclinic_demand_weight,{},{label}\n", inputs.rates.clinic_demand_weight);
    if let Some(m) = inputs.hours.all_physicians {
        let _ = writeln!(s, "mean_hours_all,{m},{label}");
    }
    w("parameters.csv", s)?;
    let mut s = String::from("area_code,inpatient,outpatient\n");
    for (a, f) in areas.secondary.iter().zip(&inputs.flows) {
        let _ = writeln!(s, "{},{},{}", a.code, f.inpatient, f.outpatient);
    }
    w("flows.csv", s)?;
    if let Some((deliveries, shares)) = extras {
        let mut s = String::from("area_code,deliveries,clinic_outpatient_share\n");
        for ((a, d), sh) in areas.secondary.iter().zip(deliveries).zip(shares) {
            let _ = writeln!(s, "{},{},{}", a.code, d, sh);
        }
        w("variant_inputs.csv", s)?;
    }
    let mut s = String::with_capacity(records.len() * 32);
    s.push_str("area_code,secondary_area_code,sex,age,facility,specialty\n");
    for r in records {
        let code = |id: AreaId| areas.secondary[id.0 as usize].code.as_str();
        let facility = match r.facility {
            Facility::Hospital => "hospital",
            Facility::ClinicWithBeds => "clinic_with_beds",
            Facility::ClinicWithoutBeds => "clinic_without_beds",
        };
        let specialty = match r.specialty {
            Specialty::Other => "",
            Specialty::Obstetrics => "obstetrics",
            Specialty::Pediatrics => "pediatrics",
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            code(r.main),
            r.secondary.map_or("", code),
            if r.sex == Sex::Male { "M" } else { "F" },
            r.age,
            facility,
            specialty
        );
    }
    w("physicians.csv", s)?;
    w(
        "README.txt",
        format!(
            "{label}\nRaw-mode input files for `ishi plan table --raw DIR` (format: ishi README, «Raw-mode inputs»).\n"
        ),
    )?;
    Ok(())
}
